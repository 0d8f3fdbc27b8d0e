#!/usr/bin/env node
// The `kubernaut` command. Plain JavaScript so that an old Node gets a clear message
// instead of a syntax error: the code itself is TypeScript that Node >= 22.18 runs as is.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `kubernaut needs Node.js >= 22.18 (found ${process.versions.node}); run it as \`npx kubernaut\` in the project, which uses the Node 24 it installs.\n`,
  );
  process.exit(2);
}
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
