// Which exports of the package's entries have no TSDoc comment, read with the
// TypeScript compiler from the same sources and tsconfig TypeDoc uses
// (scripts/docs-api.mjs), so the test takes seconds rather than a TypeDoc run.
import { join } from 'node:path'
import ts from 'typescript'
import { packageEntries } from '../../scripts/docs-entries.mjs'

const ROOT = new URL('../../', import.meta.url).pathname

export interface Undocumented {
  /** `fincode-secure/react: useEncryptedField` or `fincode-secure/server: FincodeClientOptions.timeoutMs`. */
  name: string
  /** `src/react/use-encrypted-field.ts:12`. */
  where: string
}

function programFromDocsConfig(files: string[]): ts.Program {
  const configPath = join(ROOT, 'tsconfig.docs.json')
  const config = ts.readConfigFile(configPath, ts.sys.readFile)
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'))
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, configPath)
  return ts.createProgram(files, parsed.options)
}

function hasDoc(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  if (symbol.getDocumentationComment(checker).some((part) => part.text.trim() !== '')) return true
  // An overloaded function or a merged declaration counts if one declaration is documented.
  return (symbol.declarations ?? []).some((declaration) => ts.getJSDocCommentsAndTags(declaration).length > 0)
}

function where(symbol: ts.Symbol): string {
  const declaration = symbol.declarations?.[0]
  if (!declaration) return '(no declaration)'
  const file = declaration.getSourceFile()
  const line = file.getLineAndCharacterOfPosition(declaration.getStart()).line + 1
  return `${file.fileName.slice(ROOT.length)}:${line}`
}

/** Members a reader looks up one by one: the properties and methods of exported interfaces and classes. */
function documentedMembers(symbol: ts.Symbol): ts.Symbol[] {
  const isMemberHolder = (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) !== 0
  if (!isMemberHolder || !symbol.members) return []
  const members: ts.Symbol[] = []
  symbol.members.forEach((member, name) => {
    if (String(name).startsWith('__')) return // constructors, index and call signatures
    const declaration = member.declarations?.[0]
    const modifiers = declaration && ts.canHaveModifiers(declaration) ? ts.getModifiers(declaration) : undefined
    if (modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword || modifier.kind === ts.SyntaxKind.ProtectedKeyword)) return
    if (String(name).startsWith('#')) return
    if (member.flags & (ts.SymbolFlags.Property | ts.SymbolFlags.Method | ts.SymbolFlags.GetAccessor)) members.push(member)
  })
  return members
}

export function undocumentedExports(): { entries: string[]; exports: number; undocumented: Undocumented[] } {
  const entries = packageEntries()
  const program = programFromDocsConfig(entries.map((entry) => join(ROOT, entry.source)))
  const checker = program.getTypeChecker()
  const undocumented: Undocumented[] = []
  const seen = new Set<ts.Symbol>()
  let exports = 0
  for (const entry of entries) {
    const file = program.getSourceFile(join(ROOT, entry.source))
    const moduleSymbol = file && checker.getSymbolAtLocation(file)
    if (!moduleSymbol) throw new Error(`${entry.source}: not a module`)
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      exports++
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      // A re-export (FincodeSecureError from several entries) is reported once, where it is declared.
      if (seen.has(symbol)) continue
      seen.add(symbol)
      if (!hasDoc(symbol, checker)) undocumented.push({ name: `${entry.name}: ${exported.name}`, where: where(symbol) })
      for (const member of documentedMembers(symbol)) {
        if (!hasDoc(member, checker)) undocumented.push({ name: `${entry.name}: ${exported.name}.${member.name}`, where: where(member) })
      }
    }
  }
  return { entries: entries.map((entry) => entry.name), exports, undocumented }
}
