// The README is read in five minutes: at most 16 KB, with the details in docs/.
// Every relative link of README.md and docs/*.md leads to a file that exists and,
// with a #fragment, to a heading of that file (GitHub's anchor rules).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { expect, it } from 'vitest'

const MARKDOWN = ['README.md', ...readdirSync('docs').filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)]

/** Each line of the Markdown, or null inside a fenced code block (and for its fences). */
function outsideFences(text: string): (string | null)[] {
  let fence: string | null = null
  return text.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    if (marker && (fence === null || marker.startsWith(fence))) {
      fence = fence === null ? marker : null
      return null
    }
    return fence === null ? line : null
  })
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens; repeats get -1, -2, … */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>()
  const result = new Set<string>()
  for (const line of outsideFences(readFileSync(file, 'utf8'))) {
    const heading = line === null ? undefined : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1]
    if (heading === undefined) continue
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    result.add(count ? `${slug}-${count}` : slug)
  }
  return result
}

function relativeLinks(file: string): { line: number; target: string }[] {
  return outsideFences(readFileSync(file, 'utf8')).flatMap((line, index) =>
    [...(line ?? '').replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
      .map((target) => ({ line: index + 1, target })),
  )
}

it('README.md is at most 16 KB', () => {
  expect(statSync('README.md').size).toBeLessThanOrEqual(16 * 1024)
})

it('README.md has the install, the three recipes, the entries, runtime support, the guides and the license', () => {
  const headings = readFileSync('README.md', 'utf8').split('\n').filter((line) => /^##+ /.test(line))
  expect(headings).toEqual([
    '## Install',
    '## Recipes',
    '### A PIN form in the browser',
    '### A server call with an API token',
    '### Surviving a key rotation',
    '## Entries',
    '## Runtime support',
    '## Guides',
    '## License',
  ])
})

it('README.md names every entry of package.json "exports"', () => {
  const readme = readFileSync('README.md', 'utf8')
  const entries = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).exports as Record<string, unknown>)
    .filter((entry) => entry !== './package.json')
    .map((entry) => (entry === '.' ? 'fincode-secure' : `fincode-secure/${entry.slice(2)}`))
  expect(entries.filter((entry) => !readme.includes(`| \`${entry}\` |`))).toEqual([])
})

it.each(MARKDOWN)('every relative link of %s resolves', (file) => {
  const links = relativeLinks(file)
  const broken = links.flatMap(({ line, target }) => {
    const [path = '', fragment] = target.split('#')
    const resolved = path ? normalize(join(dirname(file), decodeURIComponent(path))) : file
    if (!existsSync(resolved)) return [`${file}:${line}: ${target} (no file ${resolved})`]
    if (fragment && resolved.endsWith('.md') && !anchors(resolved).has(fragment)) return [`${file}:${line}: ${target} (no heading #${fragment} in ${resolved})`]
    return []
  })
  expect(broken).toEqual([])
})

it('docs/README.md, the index, links every guide in docs/', () => {
  const index = relativeLinks('docs/README.md').map(({ target }) => target.split('#')[0])
  expect(MARKDOWN.filter((file) => file.startsWith('docs/') && file !== 'docs/README.md' && !index.includes(file.slice('docs/'.length)))).toEqual([])
})

it('finds the links it checks', () => {
  expect(relativeLinks('README.md').map(({ target }) => target)).toEqual(expect.arrayContaining(['docs/getting-started.md', 'LICENSE', 'docs/demo.png']))
  expect(anchors('docs/sandbox.md')).toContain('a-call-with-curl-from-the-key-to-a-changed-pin')
  expect(anchors('docs/key-rotation.md')).toContain('the-operators-steps')
  expect(anchors('docs/sandbox.md')).not.toContain('1-the-organisation-key-as-settings--api-connections--encryption-keys-shows-it') // a shell comment
})
