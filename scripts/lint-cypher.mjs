// Lints .cypher files with Neo4j's own linter (lintCypherQuery from
// @neo4j-cypher/language-support). Run through scripts/lint-cypher, which
// installs the pinned linter and calls:
//
//   node scripts/lint-cypher.mjs REPO TOOLS_DIR [FILE...]
//
// Without FILEs it lints every *.cypher under REPO/cypher, REPO/migrations and REPO/docker.
//
// Conventions checked on top of the linter:
// - Parameters are declared in the file's leading comment block:
//       // Parameters:
//       //   $name — description
//       //   $other — description (continuation lines are allowed)
//   or  // Parameters: none
//   Declared names are passed to the linter (dbSchema.parameters), so a
//   parameter used but not declared is the linter's error
//   "Parameter $x is not defined."; a declared but unused one is a warning.
// - A file under cypher/ holds exactly one statement; a migration may hold
//   several, separated by ';' (the linter splits and checks each itself).
// - '// @include NAME' lines are replaced by the body of cypher/NAME.cypher (its header
//   comment block dropped, its declared parameters added to the includer's), as the query
//   registry does before a query runs; the expanded text is what gets linted, and a
//   diagnostic inside an included fragment names the fragment's file and line. Fragments
//   (cypher/kernel/) are linted only through the files that include them.
// - Cypher 5 semantics (dbSchema.defaultLanguage = 'CYPHER 5'); a file may
//   still opt in with a 'CYPHER 25' prefix.
// - Function and procedure names are checked against the linter's bundled
//   Neo4j 5 catalogue (built-ins + APOC + GDS), when the package ships it, and
//   against the coman.* procedures' own (engines/neo4j/procedures/catalogue.json), so
//   a misspelt function name or a wrong coman.* call is an error.
//
// Output: 'file:line:col: error|warning: message' per diagnostic, then
// 'linted N files: E errors, W warnings'. Exit 1 when E > 0.

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const ERROR = 1;
const WARNING = 2;

const [repo, toolsDir, ...explicitFiles] = process.argv.slice(2);
if (!repo || !toolsDir) {
  console.error('usage: node lint-cypher.mjs REPO TOOLS_DIR [FILE...]');
  process.exit(2);
}

const requireFromTools = createRequire(path.join(toolsDir, 'package.json'));
const ls = requireFromTools('@neo4j-cypher/language-support');
const { lintCypherQuery, parseParameters, parseStatementsStrs } = ls;

// Function/procedure catalogue shipped with the package (may disappear in a
// later version; then only the parser and semantic analysis run), plus this project's own
// coman.* procedures as Neo4j lists them (engines/neo4j/procedures/catalogue.json, written by
// scripts/procedure-catalogue from the built plugin).
const catalogue = ls.testData?.mockSchema ?? {};
const ownProcedures = JSON.parse(
  fs.readFileSync(path.join(repo, 'engines', 'neo4j', 'procedures', 'catalogue.json'), 'utf8'));
const procedures = {};
for (const [version, known] of Object.entries(catalogue.procedures ?? { 'CYPHER 5': {} })) {
  procedures[version] = { ...known };
  for (const p of ownProcedures) procedures[version][p.name] = p;
}

function findCypherFiles(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findCypherFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.cypher')) out.push(full);
  }
  return out;
}

function displayPath(file) {
  const rel = path.relative(repo, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

function isMigration(file) {
  return path.resolve(file).split(path.sep).includes('migrations');
}

// --- header ---------------------------------------------------------------

const PARAMS_LINE = /^\/\/\s*Parameters\s*:\s*(.*)$/i;
const SECTION_LINE = /^\/\/\s?[A-Za-z][\w ]*:/; // e.g. '// Returns:'
const PARAM_ENTRY = /^\/\/\s+\$(\w+|`[^`]+`)/;
const PARAM_TOKEN = /\$(\w+|`[^`]+`)/g;

function unquote(name) {
  return name.startsWith('`') && name.endsWith('`') ? name.slice(1, -1) : name;
}

// Returns { hasHeader, hasParamsLine, declared: Map(name -> {line, col}) }.
function parseHeader(lines) {
  const declared = new Map();
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  const start = i;
  let inParams = false;
  let hasParamsLine = false;
  for (; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.trimStart();
    if (!line.startsWith('//')) break;
    const indent = raw.length - line.length;
    const m = PARAMS_LINE.exec(line);
    if (m) {
      hasParamsLine = true;
      inParams = true;
      const rest = m[1].trim();
      if (/^none\.?$/i.test(rest)) continue;
      for (const t of rest.matchAll(PARAM_TOKEN)) {
        declared.set(unquote(t[1]), { line: i + 1, col: indent + m[0].indexOf(t[0]) + 1 });
      }
      continue;
    }
    if (!inParams) continue;
    const entry = PARAM_ENTRY.exec(line);
    if (entry) {
      const name = unquote(entry[1]);
      if (!declared.has(name)) {
        declared.set(name, { line: i + 1, col: indent + line.indexOf('$') + 1 });
      }
    } else if (SECTION_LINE.test(line)) {
      inParams = false;
    }
  }
  return { hasHeader: i > start, hasParamsLine, declared };
}

// --- includes ---------------------------------------------------------------

const INCLUDE_LINE = /^(\s*)\/\/\s*@include\s+(\S+)\s*$/;
const FRAGMENT_DIR = path.join(repo, 'cypher', 'kernel');

function isFragment(file) {
  return path.resolve(file).startsWith(FRAGMENT_DIR + path.sep);
}

// Expands '// @include NAME' lines, each fragment as `kernel` has it ('cypher', or 'procedure':
// its NAME.procedure.cypher variant where there is one). Returns { lines, origins: [{file, line}],
// params: Map }.
function expand(file, lines, stack = [], kernel = 'cypher') {
  const out = [];
  const origins = [];
  const params = new Map();
  lines.forEach((raw, i) => {
    const m = INCLUDE_LINE.exec(raw);
    if (!m) {
      out.push(raw);
      origins.push({ file, line: i + 1 });
      return;
    }
    const variant = path.join(repo, 'cypher', `${m[2]}.procedure.cypher`);
    const included = kernel === 'procedure' && fs.existsSync(variant)
      ? variant : path.join(repo, 'cypher', `${m[2]}.cypher`);
    if (stack.includes(included)) throw new Error(`include cycle through ${m[2]}`);
    if (!fs.existsSync(included)) throw new Error(`line ${i + 1}: no fragment ${m[2]} (${included})`);
    const body = fs.readFileSync(included, 'utf8').split(/\r?\n/);
    const header = parseHeader(body);
    for (const [name, at] of header.declared) params.set(name, { ...at, file: included });
    let start = 0;
    while (start < body.length && (body[start].trim() === ''
      || (body[start].trimStart().startsWith('//') && !INCLUDE_LINE.test(body[start])))) start++;
    const inner = expand(included, body.slice(start), [...stack, included], kernel);
    inner.lines.forEach((line, k) => {
      out.push(line === '' ? line : m[1] + line);
      origins.push({ file: inner.origins[k].file, line: inner.origins[k].line + (inner.origins[k].file === included ? start : 0) });
    });
    for (const [name, at] of inner.params) params.set(name, at);
  });
  return { lines: out, origins, params };
}

// --- statements -------------------------------------------------------------

// A statement chunk that is only comments/whitespace/';' is not a statement.
function hasCode(chunk) {
  const stripped = chunk
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/;/g, '');
  return stripped.trim().length > 0;
}

function positionAt(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, col };
}

// --- lint -------------------------------------------------------------------

// Lints a file as the Cypher kernel expands it and, when a fragment it includes has a fast path
// on the coman.* procedures (NAME.procedure.cypher), as that kernel expands it too.
function lintFile(file) {
  let source = fs.readFileSync(file, 'utf8');
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  const lines = source.split(/\r?\n/);
  const cypher = expand(file, lines);
  const diags = lintExpansion(file, cypher);
  const procedure = expand(file, lines, [], 'procedure');
  if (procedure.lines.join('\n') !== cypher.lines.join('\n')) {
    const key = (d) => `${d.severity}:${d.file}:${d.line}:${d.col}:${d.message}`;
    const seen = new Set(diags.map(key));
    for (const d of lintExpansion(file, procedure)) {
      if (!seen.has(key(d))) diags.push({ ...d, message: `${d.message} [procedure kernel]` });
    }
  }
  return diags;
}

function lintExpansion(file, expanded) {
  const lines = expanded.lines;
  const text = lines.join('\n');
  const diags = [];
  // Positions are in the expanded text; report them where the line came from.
  const add = (severity, line, col, message) => {
    const origin = expanded.origins[line - 1] ?? { file, line };
    diags.push({ severity, file: origin.file, line: origin.line, col, message });
  };

  const header = parseHeader(lines);
  for (const [name, at] of expanded.params) if (!header.declared.has(name)) header.declared.set(name, at);
  if (!header.hasHeader) {
    add(WARNING, 1, 1, 'file does not start with a // header comment (purpose, parameters, returns)');
  } else if (!header.hasParamsLine) {
    add(WARNING, 1, 1, "header has no '// Parameters:' line (write '// Parameters: none' if there are none)");
  }

  // Statement count.
  const chunks = [];
  let searchFrom = 0;
  for (const chunk of parseStatementsStrs(text)) {
    const at = text.indexOf(chunk, searchFrom);
    if (at >= 0) searchFrom = at + chunk.length;
    if (hasCode(chunk)) {
      const lead = chunk.length - chunk.trimStart().length;
      chunks.push({ chunk, offset: at >= 0 ? at + lead : 0 });
    }
  }
  if (chunks.length === 0) {
    add(ERROR, 1, 1, 'file holds no Cypher statement');
  } else if (chunks.length > 1 && !isMigration(file)) {
    const p = positionAt(text, chunks[1].offset);
    add(ERROR, p.line, p.col,
      `file holds ${chunks.length} statements; a query file must hold exactly one (only migrations may hold several)`);
  }

  // Declared parameters go to the linter; values are only checked for presence.
  const parameters = {};
  for (const name of header.declared.keys()) parameters[name] = null;
  const dbSchema = {
    defaultLanguage: 'CYPHER 5',
    parameters,
    ...(catalogue.functions ? { functions: catalogue.functions } : {}),
    procedures,
  };
  const { diagnostics } = lintCypherQuery(text, dbSchema, { consoleCommandsEnabled: false });
  for (const d of diagnostics) {
    const severity = d.severity === ERROR ? ERROR : WARNING;
    add(severity, d.range.start.line + 1, d.range.start.character + 1, d.message.replace(/\s+/g, ' ').trim());
  }

  const used = new Set(parseParameters(text, false));
  for (const [name, at] of header.declared) {
    if (!used.has(name)) {
      diags.push({ severity: WARNING, file: at.file ?? file, line: at.line, col: at.col,
        message: `Parameter $${name} is declared in the header but not used.` });
    }
  }

  // The linter can report the same problem twice (e.g. deprecated function).
  const seen = new Set();
  return diags
    .filter((d) => {
      const key = `${d.severity}:${d.line}:${d.col}:${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col || a.severity - b.severity);
}

const files = (explicitFiles.length
  ? explicitFiles.map((f) => path.resolve(f))
  : [...findCypherFiles(path.join(repo, 'cypher')), ...findCypherFiles(path.join(repo, 'migrations')),
     ...findCypherFiles(path.join(repo, 'docker'))]).filter((f) => !isFragment(f));
files.sort((a, b) => displayPath(a).localeCompare(displayPath(b)));

let errors = 0;
let warnings = 0;
for (const file of files) {
  let diags;
  try {
    diags = lintFile(file);
  } catch (e) {
    diags = [{ severity: ERROR, file, line: 1, col: 1, message: `could not lint: ${e.message}` }];
  }
  for (const d of diags) {
    const kind = d.severity === ERROR ? 'error' : 'warning';
    if (d.severity === ERROR) errors++;
    else warnings++;
    const via = d.file && d.file !== file ? ` (included by ${displayPath(file)})` : '';
    console.log(`${displayPath(d.file ?? file)}:${d.line}:${d.col}: ${kind}: ${d.message}${via}`);
  }
}
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
console.log(`linted ${plural(files.length, 'file')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
process.exit(errors > 0 ? 1 : 0);
