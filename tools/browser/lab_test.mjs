#!/usr/bin/env node
// Tests the course the way a student uses it: JupyterLab in a real browser (Debian's Chromium driven by
// playwright-core), Run All from the Run menu, the toolbar's Stop button, and the offline HTML book.
// See tools/browser/README.md for what is checked.
//
//   node tools/browser/lab_test.mjs [--kernel NAME]... [--notebook FILE]... [--python PATH] [--book DIR]
//                                   [--skip-book] [--skip-stop] [--timeout SECONDS]

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const COURSE = path.join(ROOT, 'target', 'course');
const OUT = path.join(COURSE, 'browser');
const WORK = path.join(OUT, 'work');
const STATE = path.join(OUT, 'jupyter');

const DEFAULT_KERNELS = ['attention-course', 'attention-course-jjava'];
const DEFAULT_NOTEBOOKS = ['00_setup.ipynb', '02_multi_head_attention_and_training.ipynb', '05_cosformer.ipynb'];
const BOOK_PAGE = '01_attention_from_scratch.html';
// Chromium draws 30 000 px tall pages correctly here (05 at ci is about 28 500 px); taller ones are cut.
const MAX_SCREENSHOT_HEIGHT = 32000;
const VIEWPORT = { width: 1280, height: 900 };

const STOP_CELLS = [
  [
    'import org.attentioncourse.attention.TransformerModel;',
    'import org.attentioncourse.data.Reverse;',
    'import org.attentioncourse.data.Splits;',
    'import org.attentioncourse.train.Evaluation;',
    'import org.attentioncourse.train.TrainConfig;',
    'import org.attentioncourse.train.TrainResult;',
    'import org.attentioncourse.train.Training;',
    'Reverse task = Reverse.defaults();',
    'Splits data = Splits.generate(task, 2_000, 50, 100, 7);',
    'TransformerModel model = TransformerModel.forTask(task, TransformerModel.builder().dModel(32).heads(2).layers(1));',
  ].join('\n'),
  'TrainResult run = Training.run(model, task, data, TrainConfig.defaults().steps(1_000_000).batchSize(16).evalEvery(1_000_000));',
  'try (var manager = ai.djl.ndarray.NDManager.newBaseManager()) { System.out.println("EVALUATED accuracy " + Evaluation.of(model, task, data.test(), manager, 16).accuracy()); }',
];
// A few steps prove the loop is really training (not still building the model) when Stop is clicked.
const STOP_AFTER_STEPS = 3;

// ---------------------------------------------------------------------------------------------------------
// Arguments

function usage(message) {
  if (message) {
    console.error(`lab_test: ${message} (see --help)`);
    process.exit(2);
  }
  console.log(
    'usage: node tools/browser/lab_test.mjs [--kernel NAME]... [--notebook FILE]... [--python PATH]\n' +
      '                                    [--book DIR] [--skip-book] [--skip-stop] [--timeout SECONDS]\n\n' +
      `  --kernel NAME      kernel to test, repeatable (default: ${DEFAULT_KERNELS.join(', ')})\n` +
      `  --notebook FILE    notebook from notebooks/, repeatable (default: ${DEFAULT_NOTEBOOKS.join(', ')})\n` +
      '  --python PATH      Python with JupyterLab (default: $COURSE_LAB_PYTHON or target/course/venv/bin/python)\n' +
      `  --book DIR         executed HTML book (default: target/course/book); ${BOOK_PAGE} is opened\n` +
      '  --skip-book        do not test the book\n' +
      '  --skip-stop        do not test the Stop button\n' +
      '  --timeout SECONDS  longest time one notebook may take to run (default: 900)\n\n' +
      'Environment: COURSE_SCALE (default ci), COURSE_CHROMIUM (default /usr/bin/chromium), COURSE_LAB_PYTHON.\n' +
      `Writes screenshots and summary.json to ${path.relative(process.cwd(), OUT) || '.'}; exit status 1 when a check failed.`,
  );
  process.exit(0);
}

function parseArgs(argv) {
  const opts = {
    kernels: [],
    notebooks: [],
    python: process.env.COURSE_LAB_PYTHON || path.join(COURSE, 'venv', 'bin', 'python'),
    book: path.join(COURSE, 'book'),
    skipBook: false,
    skipStop: false,
    timeout: 900,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) usage(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--kernel': opts.kernels.push(value()); break;
      case '--notebook': opts.notebooks.push(value()); break;
      case '--python': opts.python = value(); break;
      case '--book': opts.book = path.resolve(value()); break;
      case '--skip-book': opts.skipBook = true; break;
      case '--skip-stop': opts.skipStop = true; break;
      case '--timeout': {
        opts.timeout = Number(value());
        if (!(opts.timeout > 0)) usage('--timeout needs a positive number of seconds');
        break;
      }
      case '-h': case '--help': usage(); break;
      default: usage(`unknown argument ${arg}`);
    }
  }
  if (!opts.kernels.length) opts.kernels = [...DEFAULT_KERNELS];
  if (!opts.notebooks.length) opts.notebooks = [...DEFAULT_NOTEBOOKS];
  if (new Set(opts.notebooks.map((n) => path.basename(n))).size !== opts.notebooks.length) usage('two notebooks with the same name');
  // A name is looked up in notebooks/; an existing .ipynb path (a fixture, say) is used as it is.
  opts.notebooks = opts.notebooks.map((n) => {
    if (n.endsWith('.ipynb') && fs.existsSync(n) && fs.statSync(n).isFile()) return path.resolve(n);
    const base = path.basename(n).endsWith('.ipynb') ? path.basename(n) : `${path.basename(n)}.ipynb`;
    const file = path.join(ROOT, 'notebooks', base);
    if (!fs.existsSync(file)) usage(`no notebook ${n} (looked for ${file})`);
    return file;
  });
  return opts;
}

// ---------------------------------------------------------------------------------------------------------
// Reporting

const T0 = Date.now();
const checks = [];
const since = (t) => (Date.now() - t) / 1000;
const round = (x, digits = 1) => (x == null ? null : Number(x.toFixed(digits)));
const log = (msg) => console.log(`[${since(T0).toFixed(0).padStart(4)} s] ${msg}`);

function check(name, ok, detail = '', seconds = null) {
  checks.push({ name, ok: Boolean(ok), detail, seconds: round(seconds), at: round(since(T0)) });
  log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  return Boolean(ok);
}

// Things a person would notice that do not fail the test (they are printed and kept in summary.json).
const warnings = [];
function warn(msg) {
  warnings.push(msg);
  log(`warn ${msg}`);
}

function writeJsonAtomic(file, data) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

// ---------------------------------------------------------------------------------------------------------
// Processes and memory

function readProcStat(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields that follow start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), start: rest[19] };
  } catch {
    return null;
  }
}

function descendants(rootPid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const st = readProcStat(entry);
    if (!st) continue;
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(Number(entry));
  }
  const found = [];
  const queue = [rootPid];
  while (queue.length) {
    for (const child of children.get(queue.shift()) || []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function rssKiB(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

class MemorySampler {
  constructor(pid) {
    this.pid = pid;
    this.peakTotal = 0;
    this.peakServer = 0;
    this.phase = null;
    this.phases = {};
    this.samples = 0;
  }
  start(intervalMs = 500) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }
  stop() {
    clearInterval(this.timer);
  }
  setPhase(name) {
    this.phase = name;
    if (name && !this.phases[name]) this.phases[name] = 0;
  }
  sample() {
    const server = rssKiB(this.pid);
    if (!server) return;
    let total = server;
    for (const pid of descendants(this.pid)) total += rssKiB(pid);
    this.samples++;
    this.peakServer = Math.max(this.peakServer, server);
    this.peakTotal = Math.max(this.peakTotal, total);
    if (this.phase) this.phases[this.phase] = Math.max(this.phases[this.phase], total);
  }
  report() {
    const mb = (kib) => round(kib / 1024);
    return {
      sampleEverySeconds: 0.5,
      samples: this.samples,
      peakServerPlusKernelsMB: mb(this.peakTotal),
      peakServerMB: mb(this.peakServer),
      peakServerPlusKernelsMBByPhase: Object.fromEntries(Object.entries(this.phases).map(([k, v]) => [k, mb(v)])),
    };
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A bare command name (--python python3) is looked up on PATH, as a shell would. */
function onPath(command) {
  if (command.includes('/')) return path.resolve(command);
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, command))) return path.join(dir, command);
  }
  return command;
}

/** Chromium's last helper processes may still write to the profile just after close() returns. */
async function removeProfile(dir) {
  for (let i = 0; i < 20 && fs.existsSync(dir); i++) {
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* written to meanwhile */ }
    await sleep(250);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------
// The Jupyter server

class Lab {
  constructor(python) {
    this.python = python;
    this.token = crypto.randomBytes(24).toString('hex');
    this.proc = null;
    this.known = new Map(); // pid -> start time, of the server and everything it started
  }

  writeSettings() {
    // The user settings folder is ours (JUPYTERLAB_SETTINGS_DIR), so the student's own settings and the
    // environment's overrides.json stay untouched while we switch off what would make the test flaky.
    const settings = {
      // All cells in the DOM: the default windowing leaves off-screen cells unrendered or detached.
      '@jupyterlab/notebook-extension/tracker.jupyterlab-settings': { windowingMode: 'none' },
      // No "receive Jupyter news?" toast, no update check: both reach the internet and cover the notebook.
      '@jupyterlab/apputils-extension/notification.jupyterlab-settings': { fetchNews: 'false', checkForUpdates: false },
      // The extension manager asks PyPI; CI has no network.
      '@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings': { enabled: false },
    };
    for (const [file, value] of Object.entries(settings)) {
      const full = path.join(STATE, 'lab-user-settings', file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, JSON.stringify(value, null, 2));
    }
  }

  async start() {
    fs.rmSync(STATE, { recursive: true, force: true });
    for (const d of ['config', 'data', 'runtime', 'ipython', 'lab-workspaces']) fs.mkdirSync(path.join(STATE, d), { recursive: true });
    this.writeSettings();
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    const env = {
      ...process.env,
      COURSE_SCALE: process.env.COURSE_SCALE || 'ci',
      // The token travels in the environment, not on the command line where `ps` shows it.
      JUPYTER_TOKEN: this.token,
      JUPYTER_CONFIG_DIR: path.join(STATE, 'config'),
      JUPYTER_DATA_DIR: path.join(STATE, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(STATE, 'runtime'),
      IPYTHONDIR: path.join(STATE, 'ipython'),
      JUPYTERLAB_SETTINGS_DIR: path.join(STATE, 'lab-user-settings'),
      JUPYTERLAB_WORKSPACES_DIR: path.join(STATE, 'lab-workspaces'),
      // jupyter_lsp runs `npm prefix -g` at start, and npm writes its logs under its cache (in $HOME by default).
      npm_config_cache: path.join(STATE, 'npm-cache'),
      PYTHONUNBUFFERED: '1',
    };
    const args = [
      '-m', 'jupyterlab',
      '--no-browser',
      `--ServerApp.ip=127.0.0.1`,
      `--ServerApp.port=${this.port}`,
      '--ServerApp.port_retries=0',
      `--ServerApp.root_dir=${WORK}`,
      // A safety net if this script is killed hard: the server ends once it has no kernels and no clients.
      '--ServerApp.shutdown_no_activity_timeout=900',
      '--LabApp.news_url=None',
      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
      `--LabApp.user_settings_dir=${env.JUPYTERLAB_SETTINGS_DIR}`,
      `--LabApp.workspaces_dir=${env.JUPYTERLAB_WORKSPACES_DIR}`,
    ];
    if (process.getuid && process.getuid() === 0) args.push('--allow-root');
    this.logFile = path.join(OUT, 'jupyter-server.log');
    const logFd = fs.openSync(this.logFile, 'w');
    // Its own process group: Ctrl-C in the terminal reaches only this script, which then shuts the server
    // down in order (kernels first) instead of leaving the kernels behind.
    this.proc = spawn(this.python, args, { cwd: WORK, env, detached: true, stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.proc.on('error', () => {});
    this.remember(this.proc.pid);
    const t = Date.now();
    let done = false;
    this.exited.then(() => { done = true; });
    while (!done && since(t) < 120) {
      try {
        const r = await this.api('GET', '/api/status', undefined, 2000);
        if (r.ok) return since(t);
      } catch { /* not listening yet */ }
      await sleep(250);
    }
    const tail = fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-25).join('\n');
    throw new Error(`JupyterLab did not answer on ${this.base} (${done ? 'it exited' : 'after 120 s'}); log ${this.logFile}:\n${tail}`);
  }

  remember(pid) {
    const st = readProcStat(pid);
    if (st) this.known.set(pid, st.start);
  }

  trackChildren() {
    if (this.proc) for (const pid of descendants(this.proc.pid)) this.remember(pid);
  }

  async api(method, route, body, timeoutMs = 30000) {
    return fetch(this.base + route, {
      method,
      headers: { Authorization: `token ${this.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  }

  async json(route) {
    const r = await this.api('GET', route);
    if (!r.ok) throw new Error(`GET ${route}: HTTP ${r.status}`);
    return r.json();
  }

  url(relPath) {
    const encoded = relPath.split('/').map(encodeURIComponent).join('/');
    // ?reset: a fresh workspace, so the notebooks of earlier steps do not reopen (and start kernels) too.
    return `${this.base}/lab/tree/${encoded}?reset&token=${this.token}`;
  }

  /** Shuts down the kernels of sessions on relPath (or all), so that one notebook runs at a time. */
  async closeSessions(relPath) {
    this.trackChildren();
    const sessions = await this.json('/api/sessions');
    for (const s of sessions) {
      if (relPath && s.path !== relPath) continue;
      await this.api('DELETE', `/api/sessions/${s.id}`, undefined, 30000);
    }
  }

  alive(pid) {
    const st = readProcStat(pid);
    return st && st.start === this.known.get(pid);
  }

  async stop() {
    if (!this.proc || this.stopped) return;
    this.stopped = true;
    this.trackChildren();
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      try {
        const kernels = await this.json('/api/kernels');
        await Promise.all(kernels.map((k) => this.api('DELETE', `/api/kernels/${k.id}`, undefined, 15000).catch(() => {})));
      } catch { /* the server may already be going */ }
      try { process.kill(-this.proc.pid, 'SIGTERM'); } catch { /* gone */ }
      await Promise.race([this.exited, sleep(10000)]);
    }
    this.killRemaining();
  }

  /** The last resort, also used from the synchronous exit handler: nothing the server started may outlive us. */
  killRemaining() {
    if (!this.proc) return;
    for (const pid of this.known.keys()) {
      if (this.alive(pid)) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Notebook copies

function hasMath(markdown) {
  // Code spans and fenced blocks may hold a literal '$'; they are not math.
  const text = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`]*`/g, '').replace(/\\\$/g, '');
  return /\$\$[\s\S]+?\$\$|\$[^$\n]+\$|\\\(|\\\[|\\begin\{/.test(text);
}

function sourceOf(cell) {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

function kernelCopy(file, kernel, spec) {
  const notebook = path.basename(file);
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  nb.metadata = { ...nb.metadata, kernelspec: { name: kernel, display_name: spec.display_name, language: spec.language } };
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  const rel = `${kernel}/${notebook}`;
  fs.mkdirSync(path.join(WORK, kernel), { recursive: true });
  fs.writeFileSync(path.join(WORK, rel), JSON.stringify(nb, null, 1));
  const code = nb.cells.filter((c) => c.cell_type === 'code').map(sourceOf).join('\n');
  return {
    rel,
    cells: nb.cells.length,
    codeCells: nb.cells.filter((c) => c.cell_type === 'code').length,
    mathCells: nb.cells.map((c, i) => (c.cell_type === 'markdown' && hasMath(sourceOf(c)) ? i : -1)).filter((i) => i >= 0),
    expectCharts: /\bShow\.(chart|image)\s*\(/.test(code),
    expectTables: /\bShow\.table\s*\(/.test(code),
    expectProgress: /\bProgress\.start\s*\(/.test(code),
  };
}

function stopNotebook(kernel, spec) {
  const cells = STOP_CELLS.map((source, i) => ({
    cell_type: 'code', id: `stop-${i}`, metadata: {}, execution_count: null, outputs: [], source,
  }));
  const nb = {
    nbformat: 4, nbformat_minor: 5, cells,
    metadata: { kernelspec: { name: kernel, display_name: spec.display_name, language: spec.language } },
  };
  const rel = `${kernel}/stop.ipynb`;
  fs.mkdirSync(path.join(WORK, kernel), { recursive: true });
  fs.writeFileSync(path.join(WORK, rel), JSON.stringify(nb, null, 1));
  return rel;
}

// ---------------------------------------------------------------------------------------------------------
// What the page shows (these functions run in the browser)

/** The state of the open notebook: kernel status, prompts, and every output as a person sees it. */
function pageNotebookState() {
  const panel = document.querySelector('.jp-NotebookPanel');
  const dialogs = [...document.querySelectorAll('.jp-Dialog')].map((d) => d.innerText.replace(/\s+/g, ' ').trim());
  const toasts = [...document.querySelectorAll('.Toastify__toast')].map((t) => t.innerText.replace(/\s+/g, ' ').trim());
  if (!panel) return { ready: false, dialogs, toasts };
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const kernelName = panel.querySelector('.jp-KernelName, .jp-Toolbar-kernelName');
  const progressRe = /^(.*?)\s+(\d+)%\s+(\d+)\/(\d+)\b(.*)$/s;
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map((cell) => {
    const kind = cell.classList.contains('jp-CodeCell') ? 'code' : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw';
    const info = { kind };
    if (kind === 'code') {
      const prompt = cell.querySelector('.jp-InputArea .jp-InputPrompt');
      info.prompt = prompt ? prompt.innerText.trim() : '';
      info.outputs = [...cell.querySelectorAll('.jp-OutputArea-output')].map((o) => {
        const out = { mime: o.getAttribute('data-mime-type') || '', text: o.innerText.slice(0, 4000) };
        const imgs = [...o.querySelectorAll('img')];
        if (imgs.length) out.images = imgs.map((im) => ({ ok: im.complete && im.naturalWidth > 0, w: im.naturalWidth, h: im.naturalHeight }));
        out.tables = o.querySelectorAll('table').length;
        // The course's progress bar: a one-line HTML output with a nested bar span, redrawn in place.
        if (out.mime === 'text/html' && o.querySelector('span > span[style*="width"]')) {
          const m = progressRe.exec(o.innerText.replace(/\s+/g, ' ').trim());
          if (m) out.progress = { label: m[1], percent: Number(m[2]), done: Number(m[3]), total: Number(m[4]), text: o.innerText.replace(/\s+/g, ' ').trim() };
        }
        return out;
      });
    } else if (kind === 'markdown') {
      const rendered = cell.querySelector('.jp-MarkdownOutput');
      info.rendered = Boolean(rendered);
      if (rendered) {
        info.mathElements = rendered.querySelectorAll('mjx-container').length;
        info.mathErrors = rendered.querySelectorAll('mjx-merror, [data-mjx-error]').length;
        const copy = rendered.cloneNode(true);
        for (const e of copy.querySelectorAll('mjx-container, code, pre, script')) e.remove();
        const raw = copy.textContent.match(/\$\$[\s\S]+?\$\$|\$[^$\n]+\$/g);
        info.rawMath = raw ? raw.slice(0, 5) : [];
      }
    }
    return info;
  });
  return {
    ready: true,
    status: indicator ? indicator.getAttribute('data-status') : 'none',
    kernelName: kernelName ? kernelName.innerText.trim() : '',
    dirty: Boolean(document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')),
    cells,
    dialogs,
    toasts,
  };
}

/** Notes when the Stop button is clicked, and then when the kernel turns idle and cell (b) shows the error. */
function pageWatchInterrupt({ cellIndex, timeoutMs }) {
  // Kept on window so that the listener is in place before the click, and the result is fetched after it.
  window.__labTestStop = new Promise((resolve) => {
    const panel = document.querySelector('.jp-NotebookPanel');
    const button = panel.querySelector('.jp-Toolbar [data-command="notebook:interrupt-kernel"]');
    const result = { clicked: null, idle: null, error: null };
    button.addEventListener('click', () => { if (result.clicked === null) result.clicked = performance.now(); }, { capture: true, once: true });
    const started = performance.now();
    const timer = setInterval(() => {
      if (result.clicked === null) {
        if (performance.now() - started > timeoutMs) { clearInterval(timer); resolve(result); }
        return;
      }
      const now = performance.now();
      const status = panel.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status');
      if (result.idle === null && status === 'idle') result.idle = now;
      const cell = panel.querySelectorAll('.jp-Notebook .jp-CodeCell')[cellIndex];
      const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')];
      const shown = outputs.some((o) => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.error' || /interrupt/i.test(o.innerText));
      if (result.error === null && shown) result.error = now;
      if ((result.idle !== null && result.error !== null) || now - result.clicked > timeoutMs) {
        clearInterval(timer);
        resolve(result);
      }
    }, 20);
  });
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Driving JupyterLab

async function state(page) {
  try {
    return await page.evaluate(pageNotebookState);
  } catch (e) {
    // JupyterLab rewrites its URL once it has applied ?reset; a poll that lands on that moment just retries.
    if (/Execution context was destroyed|navigation/i.test(e.message)) return { ready: false, dialogs: [], toasts: [], cells: [] };
    throw e;
  }
}

async function openNotebook(context, lab, rel, displayName) {
  const page = await context.newPage();
  const external = [];
  // The lab must work without the internet (CI has none); anything it asks from elsewhere is reported.
  await page.route((url) => !url.href.startsWith(lab.base) && !url.href.startsWith('data:'), (route) => {
    external.push(route.request().url());
    return route.abort();
  });
  // JupyterLab ignores the status messages that answer kernel_info requests, and the course's kernels send
  // no other until a cell runs, so the toolbar says "unknown" (not "idle") for a kernel that is ready. The
  // kernel's kernel_info_reply on the notebook's websocket is what says it is ready.
  let kernelReady = false;
  page.on('websocket', (ws) => {
    if (!/\/api\/kernels\/[^/]+\/channels/.test(ws.url())) return;
    const onFrame = (frame) => {
      const text = typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('latin1');
      if (/"msg_type":\s*"kernel_info_reply"/.test(text)) {
        kernelReady = true;
        ws.off('framereceived', onFrame);
      }
    };
    ws.on('framereceived', onFrame);
  });
  const t = Date.now();
  await page.goto(lab.url(rel), { waitUntil: 'domcontentloaded' });
  let s;
  let seen = '';
  for (;;) {
    s = await state(page);
    if (s.dialogs.length) throw new Error(`a dialog opened with the notebook (is its kernelspec right?): ${s.dialogs.join(' | ')}`);
    if (s.ready) seen = `${s.kernelName} | ${s.status}`;
    // Until the session is up the toolbar says "No Kernel".
    const statusOk = s.status === 'idle' || (s.status === 'unknown' && kernelReady);
    if (s.ready && statusOk && s.cells.length && s.kernelName === displayName) break;
    if (since(t) > 180) throw new Error(`the kernel was not ready 180 s after opening ${rel} (toolbar: ${seen || 'no notebook'}; expected ${displayName})`);
    await sleep(250);
  }
  const openSeconds = since(t);
  // Closes the file browser as a student would to get the full width: the screenshots then show the notebook.
  const browserTab = page.locator('.jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current');
  if (await browserTab.count()) await browserTab.first().click();
  return { page, external, openSeconds, kernelName: s.kernelName, statusOnOpen: s.status };
}

async function clickMenu(page, menu, item) {
  await page.locator('.lm-MenuBar-item', { has: page.locator('.lm-MenuBar-itemLabel', { hasText: new RegExp(`^${menu}$`) }) }).click();
  await page.locator('.lm-Menu-item', { has: page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${item}$`) }) }).click();
}

/** Runs every cell from the Run menu and waits until each has finished; returns the final state. */
async function runAll(page, codeCells, timeoutSeconds, label) {
  await clickMenu(page, 'Run', 'Run All Cells');
  const t = Date.now();
  let lastLog = Date.now();
  let settled = 0;
  for (;;) {
    await sleep(500);
    const s = await state(page);
    const code = s.cells.filter((c) => c.kind === 'code');
    const finished = code.filter((c) => /^\[\d+\]:$/.test(c.prompt)).length;
    const running = code.some((c) => c.prompt === '[*]:');
    const failed = code.some((c) => c.outputs.some((o) => o.mime === 'application/vnd.jupyter.error'));
    if (s.dialogs.length) return { state: s, seconds: since(t), dialog: s.dialogs.join(' | ') };
    // Idle between two cells is normal; done means nothing queued and nothing left that could still run.
    const done = s.status === 'idle' && !running && (finished === codeCells || failed);
    settled = done ? settled + 1 : 0;
    if (settled >= 2) return { state: s, seconds: since(t) };
    if (since(t) > timeoutSeconds) return { state: s, seconds: since(t), timedOut: true };
    if (Date.now() - lastLog > 20000) {
      lastLog = Date.now();
      log(`  ${label}: ${finished}/${codeCells} cells done after ${since(t).toFixed(0)} s (kernel ${s.status})`);
    }
  }
}

/** Scrolls the notebook to its top and returns the page height that shows all of it. */
function pageNotebookHeight() {
  let scroller = null;
  for (const e of document.querySelectorAll('.jp-NotebookPanel *')) {
    if (e.scrollHeight - e.clientHeight > (scroller ? scroller.scrollHeight - scroller.clientHeight : 0)) scroller = e;
  }
  if (scroller) scroller.scrollTop = 0;
  const cells = document.querySelectorAll('.jp-NotebookPanel .jp-Cell');
  const last = cells[cells.length - 1];
  const status = document.querySelector('#jp-main-statusbar');
  // The notebook pads its end by a screen's height (to scroll past the last cell); that padding is left out.
  const bottom = last ? last.getBoundingClientRect().bottom : 0;
  return Math.ceil(bottom + 40 + (status ? status.getBoundingClientRect().height : 0));
}

async function screenshot(page, file) {
  // JupyterLab scrolls inside the notebook, not the page: a viewport as tall as the notebook shows all of it.
  // Some outputs grow with the window, so the height is measured again until it holds still.
  let wanted = await page.evaluate(pageNotebookHeight);
  let height = VIEWPORT.height;
  for (let i = 0; i < 4 && wanted > height && height < MAX_SCREENSHOT_HEIGHT; i++) {
    height = Math.min(MAX_SCREENSHOT_HEIGHT, wanted);
    await page.setViewportSize({ width: VIEWPORT.width, height });
    // Lumino lays out on the resize event; two frames later the notebook has its new height.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await sleep(200);
    wanted = await page.evaluate(pageNotebookHeight);
  }
  await page.screenshot({ path: path.join(OUT, file), fullPage: true });
  if (height > VIEWPORT.height) await page.setViewportSize(VIEWPORT);
  return { file, cut: wanted > height };
}

async function save(page) {
  // The toolbar's save button, as a student saves; the copy on disk then holds the outputs for inspection.
  await page.locator('.jp-NotebookPanel-toolbar [data-command="docmanager:save"]').click();
  const t = Date.now();
  while (since(t) < 30) {
    if (!(await state(page)).dirty) return true;
    await sleep(200);
  }
  return false;
}

function savedOutputs(rel) {
  const nb = JSON.parse(fs.readFileSync(path.join(WORK, rel), 'utf8'));
  const counts = { error: 0, stderr: 0, images: 0, html: 0, errors: [] };
  let codeIndex = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type === 'code') codeIndex++;
    for (const o of cell.outputs || []) {
      if (o.output_type === 'error') {
        counts.error++;
        counts.errors.push(`code cell ${codeIndex} [${cell.execution_count ?? ' '}]: ${o.ename}: ${String(o.evalue).split('\n')[0].slice(0, 300)}`);
      }
      if (o.output_type === 'stream' && o.name === 'stderr') counts.stderr++;
      if (o.data && o.data['image/png']) counts.images++;
      if (o.data && o.data['text/html']) counts.html++;
    }
  }
  return counts;
}

// JupyterLab draws an error output with the stderr renderer (same mime type, same red box), so what tells
// a person "this failed" is the text: an exception name, a Java stack frame or a Python traceback.
const LOOKS_LIKE_ERROR = /(^|\n)\s*(\|\s+)?([\w$]+\.)+[\w$]*(Exception|Error)\b|\bEvalException\b|Traceback \(most recent call last\)|\n\s+at [\w.$<>]+\(|(^|\n)\|\s+\S.*\n.*\b(cannot find symbol|incompatible types|expected)\b/;

function errorText(outputs) {
  return outputs
    .filter((o) => o.mime === 'application/vnd.jupyter.error' || (o.mime === 'application/vnd.jupyter.stderr' && LOOKS_LIKE_ERROR.test(o.text)))
    .map((o) => o.text.trim().split('\n').slice(0, 4).join(' / ').slice(0, 400));
}

const unknownWarned = new Set();

async function testNotebook(context, lab, memory, kernel, spec, file, opts) {
  const notebook = path.basename(file);
  const stem = notebook.replace(/\.ipynb$/, '');
  const id = `${kernel}/${stem}`;
  const info = kernelCopy(file, kernel, spec);
  const result = { kernel, notebook, screenshot: null };
  const t = Date.now();
  memory.setPhase(id);
  log(`${id}: opening`);
  let opened;
  try {
    opened = await openNotebook(context, lab, info.rel, spec.display_name);
  } catch (e) {
    check(`${id}/open`, false, e.message, since(t));
    memory.setPhase(null);
    await lab.closeSessions(info.rel).catch(() => {});
    return result;
  }
  const { page } = opened;
  try {
    result.openSeconds = round(opened.openSeconds);
    result.statusOnOpen = opened.statusOnOpen;
    check(`${id}/open`, true, `kernel "${opened.kernelName}" ready after ${opened.openSeconds.toFixed(1)} s (status shown: ${opened.statusOnOpen})`, opened.openSeconds);
    if (opened.statusOnOpen !== 'idle' && !unknownWarned.has(kernel)) {
      unknownWarned.add(kernel);
      warn(`${kernel}: a freshly opened notebook shows the kernel as "${opened.statusOnOpen}", not "idle", until a cell runs (JupyterLab discards the status of kernel_info requests and the kernel answers no history_request)`);
    }

    const shown = (await state(page)).cells.length;
    if (shown !== info.cells) throw new Error(`only ${shown} of ${info.cells} cells are in the page (is windowing off?)`);

    const run = await runAll(page, info.codeCells, opts.timeout, id);
    result.runSeconds = round(run.seconds);
    const s = run.state;
    const code = s.cells.filter((c) => c.kind === 'code');
    const counts = code.map((c) => (/^\[(\d+)\]:$/.exec(c.prompt) || [])[1]).map((n) => (n ? Number(n) : null));
    const inOrder = counts.every((n, i) => n !== null && (i === 0 || n > counts[i - 1]));
    check(`${id}/run-all`, !run.timedOut && !run.dialog && inOrder,
      run.timedOut ? `not finished after ${opts.timeout} s; prompts ${code.map((c) => c.prompt).join(' ')}`
        : run.dialog ? `a dialog opened: ${run.dialog}`
          : inOrder ? `${code.length} code cells in ${run.seconds.toFixed(1)} s` : `prompts ${code.map((c) => c.prompt).join(' ')}`,
      run.seconds);

    // Saved as a student would; the file tells error outputs from stderr text, which the page draws alike.
    let file = null;
    if (await save(page)) {
      file = savedOutputs(info.rel);
      result.saved = { images: file.images, html: file.html, stderr: file.stderr, errors: file.error };
      check(`${id}/saved`, true, `saved copy: ${file.images} images, ${file.html} HTML outputs, ${file.stderr} stderr streams, ${file.error} error outputs`);
    } else {
      check(`${id}/saved`, false, 'the notebook still showed unsaved changes 30 s after Save');
    }

    const outputs = code.flatMap((c, i) => c.outputs.map((o) => ({ ...o, cell: i + 1 })));
    const shownErrors = code.flatMap((c, i) => errorText(c.outputs).map((e) => `code cell ${i + 1} [${counts[i] ?? ' '}]: ${e}`));
    const errors = shownErrors.length ? shownErrors : (file ? file.errors : []);
    const stderr = outputs.filter((o) => o.mime === 'application/vnd.jupyter.stderr' && !LOOKS_LIKE_ERROR.test(o.text))
      .map((o) => `code cell ${o.cell}: ${o.text.trim().slice(0, 300)}`);
    result.errors = errors;
    result.stderr = stderr;
    check(`${id}/no-errors`, errors.length === 0 && (!file || file.error === 0),
      errors.length ? errors.join(' || ') : (stderr.length ? `no errors; stderr: ${stderr.join(' || ')}` : 'no error output'));
    if (stderr.length) warn(`${id}: stderr output a student sees: ${stderr.join(' || ').slice(0, 300)}`);

    // Notebook 00 prints the scale it runs at: proof that COURSE_SCALE went from here through the server to the kernel.
    const scaleShown = outputs.map((o) => /Course scale: (\w+)/.exec(o.text)).find(Boolean);
    if (scaleShown) check(`${id}/scale`, scaleShown[1] === opts.scale, `the kernel runs at ${scaleShown[1]} (asked: ${opts.scale})`);

    const images = outputs.flatMap((o) => o.images || []);
    const broken = images.filter((im) => !im.ok).length;
    result.images = images.length;
    if (info.expectCharts || images.length) {
      check(`${id}/charts`, images.length > 0 && broken === 0, `${images.length} images${broken ? `, ${broken} not drawn` : ''}`);
    }
    const tables = outputs.reduce((n, o) => n + o.tables, 0);
    result.tables = tables;
    if (info.expectTables || tables) check(`${id}/tables`, tables > 0, `${tables} HTML tables`);

    const bars = outputs.filter((o) => o.progress);
    result.progress = bars.map((o) => o.progress.text);
    if (info.expectProgress || bars.length) {
      const unfinished = bars.filter((o) => o.progress.percent !== 100 || o.progress.done !== o.progress.total);
      check(`${id}/progress`, bars.length > 0 && unfinished.length === 0,
        bars.length ? (unfinished.length ? `not at 100 %: ${unfinished.map((o) => o.progress.text).join(' | ')}` : `${bars.length} at 100 %: ${bars.map((o) => o.progress.text).join(' | ')}`)
          : 'no progress bar output');
    }

    if (info.mathCells.length) {
      const problems = [];
      let elements = 0;
      for (const i of info.mathCells) {
        const c = s.cells[i];
        if (!c || c.kind !== 'markdown') { problems.push(`cell ${i + 1} missing`); continue; }
        elements += c.mathElements || 0;
        if (!c.rendered) problems.push(`cell ${i + 1} not rendered`);
        else if (!c.mathElements) problems.push(`cell ${i + 1} has no mjx-container`);
        if (c.mathErrors) problems.push(`cell ${i + 1} has ${c.mathErrors} MathJax errors`);
        if (c.rawMath && c.rawMath.length) problems.push(`cell ${i + 1} shows raw ${c.rawMath.join(' ')}`);
      }
      result.mathElements = elements;
      check(`${id}/math`, problems.length === 0, problems.length ? problems.join('; ') : `${elements} mjx-container in ${info.mathCells.length} markdown cells`);
    }

    if (opened.external.length) {
      result.externalRequests = [...new Set(opened.external)];
      warn(`${id}: JupyterLab asked for ${result.externalRequests.length} outside addresses (refused): ${result.externalRequests.slice(0, 3).join(', ')}`);
    }
    if (s.toasts.length) {
      result.notifications = s.toasts;
      warn(`${id}: notifications shown: ${s.toasts.join(' | ').slice(0, 300)}`);
    }

    const shot = await screenshot(page, `lab-${kernel}-${stem}.png`);
    result.screenshot = shot.file;
    if (shot.cut) warn(`${id}: the screenshot is cut at ${MAX_SCREENSHOT_HEIGHT} px`);
  } catch (e) {
    check(`${id}/driver`, false, e.message.split('\n')[0]);
    try { result.screenshot = (await screenshot(page, `lab-${kernel}-${stem}.png`)).file; } catch { /* best effort */ }
  } finally {
    memory.setPhase(null);
    await page.close().catch(() => {});
    const closing = Date.now();
    await lab.closeSessions(info.rel).catch(() => {});
    result.kernelShutdownSeconds = round(since(closing));
    result.seconds = round(since(t));
  }
  return result;
}

async function waitFor(page, what, seconds, predicate) {
  const t = Date.now();
  for (;;) {
    const s = await state(page);
    if (s.dialogs.length) throw new Error(`a dialog opened while waiting for ${what}: ${s.dialogs.join(' | ')}`);
    const value = predicate(s);
    if (value) return { state: s, value, seconds: since(t) };
    if (since(t) > seconds) throw new Error(`${what}: not after ${seconds} s`);
    await sleep(200);
  }
}

async function selectCell(page, index) {
  // A click on the prompt selects the cell without entering its editor, as when a student clicks beside it.
  await page.locator('.jp-Notebook .jp-CodeCell').nth(index).locator('.jp-InputPrompt').click();
}

async function testStop(context, lab, memory, kernel, spec) {
  const id = `${kernel}/stop`;
  const rel = stopNotebook(kernel, spec);
  const result = { kernel };
  const t = Date.now();
  memory.setPhase(id);
  log(`${id}: opening`);
  let page;
  try {
    const opened = await openNotebook(context, lab, rel, spec.display_name);
    page = opened.page;
    const codeCell = (s, i) => s.cells.filter((c) => c.kind === 'code')[i];

    await selectCell(page, 0);
    await page.keyboard.press('Shift+Enter');
    const setup = await waitFor(page, 'the set-up cell', 180, (s) => /^\[\d+\]:$/.test(codeCell(s, 0).prompt) && s.status === 'idle');
    const setupErrors = errorText(codeCell(setup.state, 0).outputs);
    if (setupErrors.length) throw new Error(`the set-up cell failed: ${setupErrors.join(' | ')}`);

    // Shift+Enter moved the selection to the training cell.
    await page.keyboard.press('Shift+Enter');
    const training = await waitFor(page, `${STOP_AFTER_STEPS} training steps`, 180, (s) => {
      const bar = codeCell(s, 1).outputs.find((o) => o.progress);
      if (!bar && errorText(codeCell(s, 1).outputs).length) throw new Error(`the training cell failed: ${errorText(codeCell(s, 1).outputs).join(' | ')}`);
      return bar && bar.progress.done >= STOP_AFTER_STEPS ? bar.progress : null;
    });
    result.progressBeforeStop = training.value.text;

    await page.evaluate(pageWatchInterrupt, { cellIndex: 1, timeoutMs: 120000 });
    await page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]').click();
    const w = await page.evaluate(() => window.__labTestStop);
    const toIdle = w.clicked !== null && w.idle !== null ? (w.idle - w.clicked) / 1000 : null;
    const toError = w.clicked !== null && w.error !== null ? (w.error - w.clicked) / 1000 : null;
    result.clickToIdleSeconds = round(toIdle, 2);
    result.clickToErrorSeconds = round(toError, 2);
    const after = await waitFor(page, 'the stopped cell to settle', 30, (s) => s.status === 'idle' && codeCell(s, 1).prompt !== '[*]:');
    // The bar's last redraw ("stopped at ...") may come just after the error; give it a moment.
    const redrawn = await waitFor(page, 'the stopped bar', 3, (s) => codeCell(s, 1).outputs.some((o) => o.progress && /stopped at/.test(o.progress.text)))
      .catch(() => null);
    const b = codeCell((redrawn || after).state, 1);
    const message = b.outputs.filter((o) => o.mime === 'application/vnd.jupyter.error' || /interrupt/i.test(o.text)).map((o) => o.text.trim()).join('\n');
    const bar = b.outputs.find((o) => o.progress);
    result.stoppedCellShows = message.slice(0, 600);
    result.progressAfterStop = bar ? bar.progress.text : null;
    if (bar && !/stopped at/.test(bar.progress.text)) {
      warn(`${kernel}: after Stop the progress bar still reads "${bar.progress.text}" (it does not say it stopped)`);
    }
    const libraryMessage = /training stopped by an interrupt after step \d+/.exec(message);
    result.libraryMessage = libraryMessage ? libraryMessage[0] : null;
    check(`${id}/interrupt`, toIdle !== null && toError !== null && /interrupt/i.test(message),
      toIdle === null || toError === null
        ? `after the click: ${w.clicked === null ? 'no click seen' : `idle ${toIdle === null ? 'never' : `${toIdle.toFixed(2)} s`}, error ${toError === null ? 'never' : `${toError.toFixed(2)} s`}`} (within 120 s)`
        : `idle ${toIdle.toFixed(2)} s and error shown ${toError.toFixed(2)} s after the click; cell shows: ${(libraryMessage ? libraryMessage[0] : message.split('\n').filter((l) => /interrupt/i.test(l)).join(' ') || message.split('\n')[0]).slice(0, 200)}`,
      toIdle);

    // Ctrl+Enter runs the last cell without adding an empty one below it.
    await selectCell(page, 2);
    await page.keyboard.press('Control+Enter');
    const evaluated = await waitFor(page, 'the evaluation cell', 180, (s) => /^\[\d+\]:$/.test(codeCell(s, 2).prompt) && s.status === 'idle');
    const text = codeCell(evaluated.state, 2).outputs.map((o) => o.text).join('\n');
    const accuracy = /EVALUATED accuracy\s+(\S+)/.exec(text);
    result.evaluation = accuracy ? accuracy[0] : text.trim().slice(0, 300);
    check(`${id}/after-stop`, Boolean(accuracy), accuracy ? `${accuracy[0]} (${evaluated.seconds.toFixed(1)} s)` : `cell (c) shows: ${text.trim().slice(0, 300) || 'nothing'}`, evaluated.seconds);
  } catch (e) {
    check(`${id}/interrupt`, false, e.message.split('\n')[0]);
  } finally {
    if (page) {
      try { result.screenshot = (await screenshot(page, `lab-${kernel}-stop.png`)).file; } catch { /* best effort */ }
      await page.close().catch(() => {});
    }
    memory.setPhase(null);
    await lab.closeSessions(rel).catch(() => {});
    result.seconds = round(since(t));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// The offline book

async function testBook(context, bookDir) {
  const file = path.join(bookDir, BOOK_PAGE);
  const result = { page: file, screenshot: null, abortedRequests: [] };
  const t = Date.now();
  if (!fs.existsSync(file)) {
    result.seconds = 0;
    check('book/open', false, `${file} is missing; build it with: target/course/venv/bin/python tools/run_course.py notebooks/${BOOK_PAGE.replace('.html', '.ipynb')} --out ${path.relative(ROOT, bookDir)}`);
    return result;
  }
  const page = await context.newPage();
  try {
    // The book must read offline: every request that is not a local file is refused and counted.
    await page.route((url) => !url.href.startsWith('file:') && !url.href.startsWith('data:'), (route) => {
      result.abortedRequests.push(route.request().url());
      return route.abort();
    });
    const failed = [];
    page.on('requestfailed', (r) => { if (r.url().startsWith('file:')) failed.push(r.url()); });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // MathJax 2 typesets from its own queue: a callback queued after load runs once the page is typeset.
    const typeset = await page.waitForFunction(() => window.MathJax && window.MathJax.Hub && window.MathJax.isReady, null, { timeout: 60000 })
      .then(() => page.evaluate(() => new Promise((r) => window.MathJax.Hub.Queue(() => r(true)))))
      .catch(() => false);
    const seen = await page.evaluate(() => {
      const count = (sel) => document.querySelectorAll(sel).length;
      const copy = document.body.cloneNode(true);
      for (const e of copy.querySelectorAll('script, style, code, pre, .MathJax, .MathJax_CHTML, .MathJax_Display, .MathJax_Preview, .MJX_Assistive_MathML, [class^="MJX"], [class*=" MJX"]')) e.remove();
      const raw = copy.textContent.match(/\$\$[\s\S]+?\$\$|\$[^$\n]+\$/g) || [];
      return {
        mathjaxVersion: window.MathJax && window.MathJax.version,
        outputJax: window.MathJax && window.MathJax.Hub && Object.keys(window.MathJax.OutputJax || {}).filter((k) => /^[A-Z]/.test(k) && k !== 'fontDir'),
        elements: {
          MathJax_CHTML: count('.MathJax_CHTML'),
          MathJax: count('.MathJax'),
          MathJax_Display: count('.MathJax_Display'),
          MathJax_SVG: count('.MathJax_SVG'),
          'MJXc-display': count('.MJXc-display'),
          'script[type^="math/tex"]': count('script[type^="math/tex"]'),
        },
        errors: count('.MathJax_Error, .mjx-merror, merror'),
        raw: raw.slice(0, 5),
        rawCount: raw.length,
        images: [...document.images].map((im) => im.complete && im.naturalWidth > 0),
      };
    });
    result.typeset = typeset;
    result.math = seen;
    const rendered = seen.elements.MathJax_CHTML + seen.elements.MathJax_SVG + seen.elements.MathJax;
    check('book/offline', result.abortedRequests.length === 0,
      result.abortedRequests.length
        ? `${result.abortedRequests.length} non-file requests aborted: ${[...new Set(result.abortedRequests)].slice(0, 5).join(', ')}`
        : 'no request left the file system');
    result.missingLocalFiles = [...new Set(failed)];
    if (failed.length) {
      // Not a failure of the book's offline promise, but a student gets a degraded page (MathJax 2 falls
      // back to system fonts when its web font's data file is missing, for example).
      warn(`book: ${result.missingLocalFiles.length} local files the page asks for are missing: ${result.missingLocalFiles.slice(0, 5).map((u) => path.relative(bookDir, fileURLToPath(u.replace(/\?.*$/, '')))).join(', ')}`);
    }
    check('book/math', typeset && rendered > 0 && seen.errors === 0 && seen.rawCount === 0,
      `MathJax ${seen.mathjaxVersion || 'missing'}${typeset ? '' : ' (never finished typesetting)'}: ${Object.entries(seen.elements).map(([k, v]) => `${v} ${k}`).join(', ')}; ${seen.errors} errors` +
        (seen.rawCount ? `; raw math left: ${seen.raw.join(' ')}` : '; no raw $ left'));
    const broken = seen.images.filter((ok) => !ok).length;
    check('book/charts', seen.images.length > 0 && broken === 0, `${seen.images.length} images${broken ? `, ${broken} not drawn` : ''}`);
    await page.setViewportSize({ width: VIEWPORT.width, height: VIEWPORT.height });
    await page.screenshot({ path: path.join(OUT, 'book-01.png'), fullPage: true });
    result.screenshot = 'book-01.png';
  } catch (e) {
    check('book/driver', false, e.message.split('\n')[0]);
  } finally {
    await page.close().catch(() => {});
    result.seconds = round(since(t));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const chromiumPath = process.env.COURSE_CHROMIUM || '/usr/bin/chromium';
  opts.python = onPath(opts.python);
  // Stale results must not pass for this run's: old screenshots and summary go before anything else.
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of fs.readdirSync(OUT)) {
    if (/^(lab-.*|book-01)\.png$/.test(f) || f === 'summary.json' || f.startsWith('chromium-profile-')) fs.rmSync(path.join(OUT, f), { recursive: true, force: true });
  }
  const problems = [];
  if (!isExecutable(chromiumPath)) problems.push(['setup/chromium', `Chromium not found at ${chromiumPath} (install Debian's chromium package, or set COURSE_CHROMIUM)`]);
  if (!isExecutable(opts.python)) {
    problems.push(['setup/python', `Python not found at ${opts.python} (build the course environment first, or pass --python / set COURSE_LAB_PYTHON)`]);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    problems.push(['setup/playwright', `playwright-core is not installed: run npm ci in ${path.relative(process.cwd(), HERE) || '.'}`]);
  }
  if (problems.length) {
    for (const [name, message] of problems) {
      checks.push({ name, ok: false, detail: message, seconds: null, at: 0 });
      console.error(`lab_test: ${message}`);
    }
    writeJsonAtomic(path.join(OUT, 'summary.json'), { started: new Date(T0).toISOString(), ok: false, failed: problems.map(([n]) => n), checks });
    process.exit(1);
  }

  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const scale = process.env.COURSE_SCALE || 'ci';
  opts.scale = scale;
  log(`python ${opts.python}; chromium ${chromiumPath}; COURSE_SCALE=${scale}; kernels ${opts.kernels.join(', ')}; notebooks ${opts.notebooks.map((n) => path.relative(ROOT, n)).join(', ')}`);

  const lab = new Lab(opts.python);
  let context;
  let profile;
  let cleaning = null;
  const cleanup = async () => {
    if (!cleaning) {
      cleaning = (async () => {
        if (context) await context.close().catch(() => {});
        await lab.stop().catch(() => lab.killRemaining());
        if (profile) await removeProfile(profile);
      })();
    }
    return cleaning;
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      console.error(`\nlab_test: ${sig}, stopping JupyterLab and its kernels`);
      cleanup().finally(() => process.exit(130));
    });
  }
  process.on('exit', () => lab.killRemaining());

  const summary = {
    started: new Date(T0).toISOString(),
    python: opts.python,
    chromium: chromiumPath,
    courseScale: scale,
    kernels: opts.kernels,
    notebookFiles: opts.notebooks.map((n) => path.relative(ROOT, n)),
    notebooks: [],
    interrupts: [],
    book: null,
  };
  const memory = new MemorySampler(0);
  try {
    const startSeconds = await lab.start();
    summary.serverStartSeconds = round(startSeconds);
    log(`JupyterLab answers on ${lab.base} after ${startSeconds.toFixed(1)} s (log ${path.relative(ROOT, lab.logFile)})`);
    memory.pid = lab.proc.pid;
    memory.start();

    const specs = (await lab.json('/api/kernelspecs')).kernelspecs;
    profile = fs.mkdtempSync(path.join(OUT, 'chromium-profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      // Chromium keeps its crash-report settings and GTK its dconf cache under $HOME unless told otherwise.
      env: { ...process.env, XDG_CONFIG_HOME: path.join(profile, 'xdg-config'), XDG_CACHE_HOME: path.join(profile, 'xdg-cache'), GSETTINGS_BACKEND: 'memory' },
      viewport: VIEWPORT,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    summary.chromiumVersion = context.browser()?.version() ?? null;
    for (const p of context.pages()) await p.close();

    for (const kernel of opts.kernels) {
      const spec = specs[kernel]?.spec;
      if (!check(`${kernel}/kernelspec`, spec, spec ? `"${spec.display_name}"` : `not installed (found: ${Object.keys(specs).join(', ')})`)) continue;
      for (const notebook of opts.notebooks) {
        const r = await testNotebook(context, lab, memory, kernel, spec, notebook, opts);
        summary.notebooks.push(r);
        log(`${kernel}/${path.basename(notebook)}: ${r.seconds} s (open ${r.openSeconds ?? '-'} s, run ${r.runSeconds ?? '-'} s)`);
      }
      if (!opts.skipStop) summary.interrupts.push(await testStop(context, lab, memory, kernel, spec));
    }
    memory.sample();
    memory.stop();
    if (!opts.skipBook) summary.book = await testBook(context, opts.book);
  } catch (e) {
    check('driver', false, e.message);
  } finally {
    memory.stop();
    await cleanup();
  }

  const failed = checks.filter((c) => !c.ok).map((c) => c.name);
  Object.assign(summary, {
    finished: new Date().toISOString(),
    totalSeconds: round(since(T0)),
    ok: failed.length === 0,
    failed,
    checks,
    warnings,
    memory: memory.report(),
    screenshots: fs.readdirSync(OUT).filter((f) => f.endsWith('.png')).sort(),
  });
  writeJsonAtomic(path.join(OUT, 'summary.json'), summary);
  printSummary(summary);
  process.exit(failed.length ? 1 : 0);
}

function printSummary(s) {
  const lines = ['', `Browser test at COURSE_SCALE=${s.courseScale}, ${s.totalSeconds} s in all`];
  if (s.notebooks.length) {
    lines.push('', '  kernel                   notebook                                     open    run   total');
    for (const n of s.notebooks) {
      lines.push(`  ${n.kernel.padEnd(24)} ${n.notebook.padEnd(44)} ${String(n.openSeconds ?? '-').padStart(5)} ${String(n.runSeconds ?? '-').padStart(6)} ${String(n.seconds).padStart(7)}`);
    }
  }
  for (const i of s.interrupts) {
    lines.push(`  Stop, ${i.kernel}: idle ${i.clickToIdleSeconds ?? '-'} s, error shown ${i.clickToErrorSeconds ?? '-'} s after the click; then ${i.evaluation ?? '-'}`);
  }
  const m = s.memory;
  lines.push(`  memory: peak ${m.peakServerPlusKernelsMB} MB server + kernels, ${m.peakServerMB} MB server alone (${m.samples} samples)`);
  if (s.book) lines.push(`  book: ${s.book.abortedRequests.length} aborted requests, ${s.book.seconds} s`);
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  lines.push(`  screenshots in ${path.relative(ROOT, OUT)}: ${s.screenshots.join(', ')}`);
  lines.push(`  summary: ${path.relative(ROOT, path.join(OUT, 'summary.json'))}`);
  lines.push('', s.ok ? `PASS: ${s.checks.length} checks` : `FAIL: ${s.failed.length} of ${s.checks.length} checks failed: ${s.failed.join(', ')}`);
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(`lab_test: ${e.stack || e}`);
  process.exit(1);
});
