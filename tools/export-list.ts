/**
 * The public surface of a package: every name its `src/index.ts` exports, read from the source (values as
 * `name`, type-only exports as `type Name`), sorted. The entry may only re-export explicit lists: an
 * `export *` would let a new export in without a review, so it throws.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Sorted export names of an index module (see the module comment). */
export function exportList(index: URL): string[] {
  const path = fileURLToPath(index);
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement)
      ? ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)
      : false;
    if (ts.isExportDeclaration(statement)) {
      if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) {
        throw new Error(`${path}: \`${statement.getText()}\` re-exports everything; list the names instead`);
      }
      for (const element of statement.exportClause.elements) {
        const typeOnly = statement.isTypeOnly || element.isTypeOnly;
        names.push(`${typeOnly ? 'type ' : ''}${element.name.text}`);
      }
    } else if (exported) {
      throw new Error(`${path}: declare exports in their modules and re-export them by name`);
    }
  }
  return names.sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, ''), 'en'));
}

/** The value exports of a list (what `import *` of the built module holds at run time). */
export function valueExports(list: readonly string[]): string[] {
  return list.filter((name) => !name.startsWith('type ')).sort();
}
