// The recipes in docs/nextjs.md and docs/vite.md are the tested apps' own files
// (framework-tests/, built and run by test/frameworks.test.ts). A code block right
// after `<!-- recipe: framework-tests/… -->` must be that file, byte for byte;
// test/recipes.test.ts checks it, and `node scripts/recipes.mjs` rewrites the blocks.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const REPO = fileURLToPath(new URL('..', import.meta.url))
export const RECIPE_DOCS = ['docs/nextjs.md', 'docs/vite.md']
const BLOCK = /<!-- recipe: (\S+) -->\n```(\w*)\n([\s\S]*?)```\n/g

/** Every recipe block of a doc: the file it names and the code it shows. */
export function recipes(markdown) {
  return [...markdown.matchAll(BLOCK)].map((m) => ({ path: m[1], code: m[3] }))
}

/** The doc with each recipe block replaced by its file's current text. */
export function withCurrentFiles(markdown) {
  return markdown.replace(BLOCK, (_block, path, lang) => `<!-- recipe: ${path} -->\n\`\`\`${lang}\n${readFileSync(REPO + path, 'utf8')}\`\`\`\n`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const doc of RECIPE_DOCS) writeFileSync(REPO + doc, withCurrentFiles(readFileSync(REPO + doc, 'utf8')))
}
