// Drive Neo4j Browser in headless Chromium and screenshot one concept hypergraph.
// Run through scripts/screenshot-browser, which installs playwright-core:
//
//   node scripts/screenshot-browser.mjs REPO TOOLS SERVER_DIR OUT.png [CLASS] [COMPARTMENT]
//
// Steps: read the local neo4j server's ports (SERVER_DIR/server.json) and password
// (SERVER_DIR/password, typed into the login form, never printed); open Browser on the server's
// HTTP port with every other host blocked; log in over bolt://; apply the style sheet
// docker/browser/coman-graph.grass with `:style`; set $class and $compartment with `:param`; run
// docker/browser/concept-hypergraph.cypher; show its frame full screen, zoom to fit, and write the
// PNG. Exit status 0 written, 1 failed (one line on stderr).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const [repo, tools, serverDir, out, digit = '7', compartment = '0'] = process.argv.slice(2);
const VIEWPORT = { width: 1400, height: 1000 };
// How long Browser may take to load, connect and answer (ms).
const TIMEOUT = 60000;
// How long the force layout is given to settle before the shot (ms).
const SETTLE = 8000;
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function fail(message) {
  console.error(`screenshot-browser: ${message}`);
  process.exit(1);
}

/** A failure once Chromium runs: reported after Chromium and its profile are gone. */
class ShotError extends Error {}

/** A .cypher file without its leading comment block. */
function cypherBody(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  while (lines.length && lines[0].startsWith('//')) lines.shift();
  return lines.join('\n').trim();
}

if (!/^\d+$/.test(digit) || !/^\d+$/.test(compartment)) {
  fail(`CLASS and COMPARTMENT must be whole numbers, got ${digit} and ${compartment}`);
}
let state;
try {
  state = JSON.parse(fs.readFileSync(path.join(serverDir, 'server.json'), 'utf8'));
} catch {
  fail(`no running local server recorded in ${serverDir} (coman-graph --engine neo4j --server-dir ${serverDir} db start)`);
}
if (state.engine !== 'neo4j') fail(`${serverDir} holds a ${state.engine} server; Neo4j Browser needs the neo4j engine`);

const { chromium } = createRequire(path.join(tools, 'node_modules', '/'))('playwright-core');
const grass = fs.readFileSync(path.join(repo, 'docker', 'browser', 'coman-graph.grass'), 'utf8');
const query = cypherBody(path.join(repo, 'docker', 'browser', 'concept-hypergraph.cypher'));
const local = `127.0.0.1:${state.http_port}`;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'coman-browser-'));
let context;
// What the script is doing, for the error message.
let step = 'starting Chromium';
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: VIEWPORT,
  });
  // Browser asks the internet for fonts, guides and usage statistics: only the local server answers.
  await context.route('**/*', (route) =>
    new URL(route.request().url()).host === local ? route.continue() : route.abort());
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(TIMEOUT);

  step = `opening http://${local}/browser/ and logging in`;
  await page.goto(`http://${local}/browser/`);
  await page.selectOption('[data-testid="bolt-scheme-select"]', 'bolt://');
  await page.fill('[data-testid="boltaddress"]', `127.0.0.1:${state.bolt_port}`);
  await page.fill('[data-testid="username"]', 'neo4j');
  await page.fill('[data-testid="password"]', fs.readFileSync(path.join(serverDir, 'password'), 'utf8').trim());
  await page.click('[data-testid="connect"]');
  await page.getByText('You are connected as user').waitFor();

  /** Type one command into Browser's editor and run it; resolves to the frame it opened. */
  async function run(command) {
    step = `running ${command.slice(0, 40)}...`;
    const before = await page.locator('[data-testid="frame"]').count();
    await page.click('[data-testid="activeEditor"]');
    await page.keyboard.insertText(command);
    await page.click('[data-testid="editor-Run"]');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="frame"]').length > n, before);
    return page.locator('[data-testid="frame"]').first();
  }

  // Browser's GraSS parser reads the sheet on one line as well as on many.
  await run(`:style ${grass.replace(/\s*\n\s*/g, ' ').trim()}`);
  await run(`:param class => ${digit}`);
  await run(`:param compartment => ${compartment}`);
  const frame = await run(query);
  const drawn = frame.locator('svg .node');
  const error = frame.locator('[data-testid="cypherFrameErrorMessage"]');
  const empty = frame.getByText('(no changes, no records)');
  await Promise.race([drawn.first().waitFor(), error.waitFor(), empty.waitFor()]);
  if (await error.count()) {
    throw new ShotError(`Browser reported: ${(await error.innerText()).split('\n')[0]}`);
  }
  if (!(await drawn.count())) {
    throw new ShotError(`no active concept of class ${digit} with compartment ${compartment} on this server`);
  }
  step = 'drawing the result full screen';
  await frame.locator('button[title="Fullscreen"]').click();
  // Fit once the layout has settled; one step out keeps the graph clear of the overview pane,
  // which lies over the right of the drawing.
  await page.waitForTimeout(SETTLE);
  await frame.locator('button[aria-label="zoom-to-fit"]').click();
  await page.waitForTimeout(SETTLE / 4);
  await frame.locator('button[aria-label="zoom-out"]').click();
  await page.waitForTimeout(SETTLE / 4);
  await frame.screenshot({ path: out });
  console.log(`-> ${out} (${await drawn.count()} nodes of class ${digit}, compartment ${compartment})`);
} catch (err) {
  const where = err instanceof ShotError ? '' : ` (while: ${step})`;
  console.error(`screenshot-browser: ${String(err.message ?? err).split('\n')[0]}${where}`);
  process.exitCode = 1;
} finally {
  await context?.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
