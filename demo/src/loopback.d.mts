/** `localhost`, `*.localhost`, `127.x.x.x` and `::1`, with or without brackets and a port. */
export declare function isLoopbackHost(host: string | undefined): boolean
