/**
 * `kubernaut validate <file...|->`: offline checks for GitOps repositories, in the manner of
 * `amtool check-config` and `argo lint`. Prints `file:doc path: message` per problem and
 * exits 1 when there is any.
 */
import { readFile } from 'node:fs/promises';
import { readAll, type CommandIo } from './command-io.ts';
import { validateDocuments } from './validate-documents.ts';

export async function runValidate(args: readonly string[], io: CommandIo): Promise<number> {
  if (args.length === 0) {
    io.stderr.write('Usage: kubernaut validate <file...|->  (- reads standard input)\n');
    return 2;
  }
  let problems = 0;
  let documents = 0;
  for (const file of args) {
    let text: string;
    try {
      text = file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8');
    } catch (error) {
      io.stderr.write(
        `${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`,
      );
      problems++;
      continue;
    }
    const label = file === '-' ? '<stdin>' : file;
    for (const report of validateDocuments(text)) {
      documents++;
      for (const problem of report.problems) {
        problems++;
        io.stdout.write(
          `${label}:${report.document} ${problem.path || '(document)'}: ${problem.message}\n`,
        );
      }
    }
  }
  if (problems > 0) {
    io.stderr.write(`${problems} problem(s) in ${documents} document(s)\n`);
    return 1;
  }
  io.stdout.write(`ok: ${documents} document(s) valid\n`);
  return 0;
}
