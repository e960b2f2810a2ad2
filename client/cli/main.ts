#!/usr/bin/env node
import { runCli } from './program';

/** The `iscg` command (package bin). Exit codes: see `iscg --help` and docs/api.md. */
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
