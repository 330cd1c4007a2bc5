/**
 * Checks of a package's browser entry (`src/browser.ts`, the `browser` export condition): the modules it
 * reaches import no Node built-in, statically or dynamically, so a bundler needs no shim and no user meets a
 * "module externalized for browser compatibility" at run time.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { exportList } from './export-list.js';

/** Specifiers of a module's imports, static (`import … from`, `export … from`) and dynamic (`import('…')`). */
function importedSpecifiers(path: string): { specifier: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      const typeOnly = ts.isImportDeclaration(node) ? (node.importClause?.isTypeOnly ?? false) : node.isTypeOnly;
      found.push({ specifier: (node.moduleSpecifier as ts.StringLiteral).text, typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Node built-ins: `node:` specifiers and the bare names a module could use instead. */
const NODE_BUILTINS = new Set(['fs', 'fs/promises', 'path', 'os', 'url', 'crypto', 'worker_threads', 'child_process']);

/**
 * Every Node built-in the modules reached from `entry` import (through relative imports; type-only imports
 * are skipped), as `module.ts → node:fs/promises` lines relative to the entry's folder. Empty when the
 * entry is fit for a browser.
 */
export function nodeImportsOf(entry: URL): string[] {
  const root = dirname(fileURLToPath(entry));
  const seen = new Set<string>();
  const problems: string[] = [];
  const walk = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const { specifier, typeOnly } of importedSpecifiers(path)) {
      if (typeOnly) continue;
      if (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier)) {
        problems.push(`${relative(root, path)} → ${specifier}`);
      } else if (specifier.startsWith('.')) {
        walk(join(dirname(path), specifier.replace(/\.js$/, '.ts')));
      }
    }
  };
  walk(fileURLToPath(entry));
  return problems.sort();
}

/**
 * How a package's browser entry differs from its main entry (`src/browser.ts` against `src/index.ts` in
 * `srcDir`): `nodeOnly`, the exports it leaves out, and `browserOnly`, exports the main entry lacks (there
 * should be none). Both lists sorted like `exportList`.
 */
export function browserEntryDifference(srcDir: URL): { nodeOnly: string[]; browserOnly: string[] } {
  const all = exportList(new URL('index.ts', srcDir));
  const browser = exportList(new URL('browser.ts', srcDir));
  return {
    nodeOnly: all.filter((name) => !browser.includes(name)),
    browserOnly: browser.filter((name) => !all.includes(name)),
  };
}
