import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';

/**
 * `engines`, the image's Node.js, the lowest release of each supported line, and what every
 * installed package declares must agree (docs/production.md, "Node.js versions"): otherwise
 * `npm install` warns, or the image runs a Node.js that a dependency refuses.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
const lock = JSON.parse(read('package-lock.json')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
};

/** The first release of each line `engines` accepts: the versions a machine may have. */
const FLOORS = ['20.19.0', '22.13.0', '24.0.0'];

test('engines names the supported lines, as the documentation does', () => {
  expect(pkg.engines.node).toBe('^20.19.0 || ^22.13.0 || >=24');
  for (const floor of FLOORS) expect(semver.satisfies(floor, pkg.engines.node)).toBe(true);
  for (const refused of ['18.20.0', '20.18.3', '21.7.3', '22.12.0', '23.11.0'])
    expect(semver.satisfies(refused, pkg.engines.node)).toBe(false);
  const doc = read('docs/production.md');
  expect(doc).toContain(`(\`${pkg.engines.node}\`)`);
});

test('every installed package accepts each supported line', () => {
  const refusing: string[] = [];
  for (const [name, entry] of Object.entries(lock.packages)) {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (!name || !range) continue;
    for (const floor of FLOORS)
      if (!semver.satisfies(floor, range)) refusing.push(`${name} (${range}) refuses ${floor}`);
  }
  expect(refusing).toEqual([]);
});

test("the image's Node.js is one that engines accepts, on a line with security support", () => {
  const images = [...read('Dockerfile').matchAll(/^FROM node:(\d+\.\d+\.\d+)-/gm)].map((m) => m[1]!);
  expect(images.length).toBeGreaterThan(0);
  for (const version of images) {
    expect(semver.satisfies(version, pkg.engines.node)).toBe(true);
    // Node.js 20 is past its end of life: fine on a test machine, never in the image.
    expect(semver.major(version)).toBeGreaterThanOrEqual(22);
  }
  expect(new Set(images).size).toBe(1);
});
