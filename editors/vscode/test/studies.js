// Tokenizes every committed study (studies/*.study, tests/studies/*.study) with the TextMate
// grammar and checks what a snapshot would, without tying the test to the studies' layout:
// every statement keyword that starts a line is scoped as a statement, every `#` comment as a
// comment, every string as a string, every table declared with `data` as a table, and no line
// leaves the grammar inside a rule (an unterminated match leaking into the next line).
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const repo = path.resolve(__dirname, '..', '..', '..');
const statements = fs
  .readFileSync(path.join(repo, 'grammar', 'study.pest'), 'utf8')
  .split('statement = {')[1]
  .split('}')[0]
  .split('|')
  .map((s) => s.trim().replace(/_stmt$/, ''));

async function main() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s) => new oniguruma.OnigScanner(s),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () =>
      vsctm.parseRawGrammar(fs.readFileSync(path.join(__dirname, '..', 'syntaxes', 'study.tmLanguage.json'), 'utf8'), 'study.tmLanguage.json'),
  });
  const grammar = await registry.loadGrammar('source.study');
  const files = ['studies', path.join('tests', 'studies')].flatMap((d) =>
    fs.readdirSync(path.join(repo, d)).filter((f) => f.endsWith('.study')).map((f) => path.join(d, f)),
  );
  const failures = [];
  let checked = 0;
  for (const file of files) {
    let stack = vsctm.INITIAL;
    fs.readFileSync(path.join(repo, file), 'utf8').split('\n').forEach((line, n) => {
      const r = grammar.tokenizeLine(line, stack);
      stack = r.ruleStack;
      const where = `${file}:${n + 1}`;
      const scopeAt = (col) => r.tokens.find((t) => t.startIndex <= col && col < t.endIndex).scopes.join(' ');
      const expect = (col, scope, what) => {
        checked += 1;
        if (!scopeAt(col).includes(scope)) failures.push(`${where}:${col + 1}: ${what} is not ${scope} (${scopeAt(col)})`);
      };
      const first = line.match(/^\s*([A-Za-z_]+)\b/);
      if (first && statements.includes(first[1])) expect(line.indexOf(first[1]), 'keyword.control.statement.study', first[1]);
      const data = line.match(/^\s*data\s+([A-Za-z_][A-Za-z0-9_]*)/);
      if (data) expect(line.indexOf(data[1], line.indexOf('data') + 4), 'entity.name.type.table.study', data[1]);
      let inString = false;
      for (let col = 0; col < line.length; col += 1) {
        const c = line[col];
        if (!inString && c === '#') {
          expect(col, 'comment.line.number-sign.study', 'a comment');
          break;
        }
        if (c === '"') {
          expect(col, 'string.quoted.double.study', 'a string');
          inString = !inString;
        } else if (c === '\\' && inString) col += 1;
      }
      if (stack.depth > 1) failures.push(`${where}: the line ends inside a rule`);
    });
  }
  if (files.length < 8 || checked < 100) failures.push(`too little was checked: ${files.length} files, ${checked} checks`);
  for (const f of failures) console.error(f);
  console.log(`${files.length} studies, ${checked} checks, ${failures.length} failures`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
