export interface PackageEntry {
  /** The import specifier, e.g. `fincode-secure/react`. */
  name: string
  /** The entry's source file relative to the repository root, e.g. `src/react/index.ts`. */
  source: string
}
export declare function packageEntries(): PackageEntry[]
