export const REPO: string
export const RECIPE_DOCS: string[]
export function recipes(markdown: string): { path: string; code: string }[]
export function withCurrentFiles(markdown: string): string
