#!/usr/bin/env node
// Runs before `npm test` (npm's pretest): makes sure what the suites need is on
// this machine — Debian's chromium for the browser suites, a JDK 17 and Maven
// for the OpenSearch suites — installing it with apt-get when it is missing and
// this process may (root, apt-get present), otherwise stopping at once with one
// line naming the command to run. A suite left out on purpose says so here.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const say = (line) => process.stderr.write(`test prerequisites: ${line}\n`);

function works(command, args) {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 60_000 });
  return r.status === 0;
}

function canInstall() {
  return process.platform === 'linux' && typeof process.getuid === 'function' && process.getuid() === 0 && works('apt-get', ['--version']);
}

let updated = false;
function aptInstall(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    updated = true;
  }
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
}

/** What a suite needs, how to tell it is there, and which Debian packages bring it. */
const NEEDS = [
  {
    what: "Debian's chromium (the browser suites)",
    present: () => existsSync(CHROMIUM) && works(CHROMIUM, ['--version']),
    packages: ['chromium'],
  },
  {
    what: 'a JDK 17 and Maven (the OpenSearch suites build their launcher)',
    skip: 'FAHRAS_SKIP_OPENSEARCH',
    present: () => works('java', ['-version']) && works('javac', ['-version']) && works('mvn', ['--version']),
    packages: ['openjdk-17-jdk-headless', 'maven'],
  },
];

for (const need of NEEDS) {
  const optional = need.skip ? ` (or set ${need.skip}=1 to skip those suites)` : '';
  if (need.skip && process.env[need.skip] === '1') {
    say(`${need.skip}=1: the suites that need ${need.what} are skipped`);
    continue;
  }
  if (need.present()) continue;
  if (!canInstall()) {
    say(`missing ${need.what}: run \`sudo apt-get install ${need.packages.join(' ')}\`${optional}`);
    process.exit(1);
  }
  say(`installing ${need.packages.join(', ')} for ${need.what}…`);
  try {
    aptInstall(need.packages);
  } catch {
    say(`installing ${need.packages.join(' ')} with apt-get failed; install it by hand${optional}`);
    process.exit(1);
  }
  if (!need.present()) {
    say(`${need.packages.join(' ')} installed, but ${need.what} still does not run; check the installation`);
    process.exit(1);
  }
}
