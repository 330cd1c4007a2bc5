#!/usr/bin/env node
/**
 * Code metrics of the packages, for before/after comparisons of refactors: source lines, export count
 * (values and types of src/index.ts), the longest function and the `duplicates` pairs among sources.
 * `node tools/code-metrics.mjs [--json]` (needs the `duplicates` command for the last figure).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');

function sourceFiles(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !/\.generated\.ts$/.test(name)) out.push(path);
  }
  return out;
}

/** The longest function-like declaration of a file: [lines, name]. */
function longestFunction(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  let best = [0, ''];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.end).line;
      const lines = end - start + 1;
      const name =
        node.name?.getText?.() ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : '<anonymous>');
      if (lines > best[0]) best = [lines, `${relative(root, file)}:${start + 1} ${name}`];
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return best;
}

/** Every name (values and types) the entry module exports, `export *` followed. */
function exportedNames(entry) {
  if (!existsSync(entry)) return [];
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    customConditions: ['@molap/source'],
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(entry));
  return symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : [];
}

const rows = [];
for (const name of readdirSync(packagesDir).sort()) {
  const dir = join(packagesDir, name);
  const pkgFile = join(dir, 'package.json');
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  const files = sourceFiles(join(dir, 'src'));
  const lines = files.reduce((sum, file) => sum + readFileSync(file, 'utf8').split('\n').length, 0);
  const exports = exportedNames(join(dir, 'src', 'index.ts')).length;
  let longest = [0, ''];
  for (const file of files) {
    const candidate = longestFunction(file);
    if (candidate[0] > longest[0]) longest = candidate;
  }
  const exportStar = files.reduce(
    (sum, file) => sum + (readFileSync(file, 'utf8').match(/^export \* from/gm)?.length ?? 0),
    0,
  );
  rows.push({
    package: pkg.name,
    files: files.length,
    lines,
    exports,
    exportStar,
    longestFunction: longest[0],
    where: longest[1],
  });
}

let duplicatePairs = null;
try {
  const out = execFileSync('duplicates', ['--repo', packagesDir, '--most', '200', '--seconds', '60'], {
    encoding: 'utf8',
  });
  const pairs = out.split('\n').filter((line) => /^D\d+ /.test(line));
  const source = pairs.filter((line) => !/test|\.generated\.|\/assembly\//.test(line));
  duplicatePairs = { all: pairs.length, sourceOnly: source.length, rows: source };
} catch {
  duplicatePairs = null;
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ packages: rows, duplicatePairs }, null, 2));
} else {
  console.log('package            files  lines  exports  export*  longest function');
  for (const r of rows) {
    console.log(
      `${r.package.padEnd(18)} ${String(r.files).padStart(5)} ${String(r.lines).padStart(6)} ${String(r.exports ?? '-').padStart(8)} ${String(r.exportStar).padStart(8)}  ${r.longestFunction} lines (${r.where})`,
    );
  }
  const total = rows.reduce((s, r) => s + r.lines, 0);
  const exportsTotal = rows.reduce((s, r) => s + (r.exports ?? 0), 0);
  console.log(`total lines ${total}, exports ${exportsTotal}`);
  if (duplicatePairs) {
    console.log(
      `duplicates pairs (packages/): ${duplicatePairs.all}; in sources (not tests, not generated/AssemblyScript): ${duplicatePairs.sourceOnly}`,
    );
    for (const row of duplicatePairs.rows) console.log(`  ${row}`);
  }
}
