// Fast syntax check of every GDScript file of the Godot client: each .gd is parsed with
// tree-sitter-gdscript and every ERROR or MISSING node is reported. (The engine tests compile
// them in the real Godot engine too; this check needs no browser.)
//
//   node check-syntax.mjs            checks every .gd under this folder (node_modules excluded)
//   node check-syntax.mjs PATH...    checks the given files or folders instead
//
// Exits 1 on any syntax error, and when no .gd file was found (a check of nothing is a failure).

import { createRequire } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const Parser = require('tree-sitter');
const GDScript = require('tree-sitter-gdscript');

const here = dirname(fileURLToPath(import.meta.url));
const SKIP = new Set(['node_modules', '.godot', '.git']);

function findGdFiles(path) {
  if (statSync(path).isFile()) return path.endsWith('.gd') ? [path] : [];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => !SKIP.has(entry.name))
    .flatMap((entry) => findGdFiles(join(path, entry.name)))
    .sort();
}

// Every ERROR node and every MISSING node (a token the parser had to invent).
function syntaxErrors(tree) {
  const found = [];
  const cursor = tree.walk();
  let descend = true;
  for (;;) {
    const node = cursor.currentNode;
    if (descend) {
      if (node.type === 'ERROR' || node.isMissing) {
        found.push(node);
      } else if (node.hasError && cursor.gotoFirstChild()) {
        continue; // only subtrees that contain an error are worth walking
      }
    }
    if (cursor.gotoNextSibling()) {
      descend = true;
    } else if (cursor.gotoParent()) {
      descend = false;
    } else {
      return found;
    }
  }
}

function describe(node) {
  if (node.isMissing) return `missing ${node.type}`;
  const text = node.text.split('\n')[0].trim();
  return `unexpected ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text)}`;
}

const parser = new Parser();
parser.setLanguage(GDScript);

const roots = process.argv.length > 2 ? process.argv.slice(2).map((p) => resolve(p)) : [here];
const files = roots.flatMap(findGdFiles);
let errors = 0;
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  // The native binding reads the input in chunks of bufferSize; give it the whole file at once.
  const tree = parser.parse(source, null, { bufferSize: Buffer.byteLength(source) + 1 });
  for (const node of syntaxErrors(tree)) {
    const { row, column } = node.startPosition;
    console.log(`${relative(process.cwd(), file)}:${row + 1}:${column + 1}: ${describe(node)}`);
    errors++;
  }
}
console.log(`${files.length} files parsed, ${errors} syntax errors`);
if (files.length === 0) console.log('no .gd file found: nothing was checked');
process.exit(errors > 0 || files.length === 0 ? 1 : 0);
