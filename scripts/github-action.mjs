#!/usr/bin/env node
// The logic of the GitHub Action (action.yml at the repository's root runs this file):
//
//   1. runs esm — `plan` (against the cluster), `plan-offline` (the pull request's manifests
//      against its base branch, no cluster) or `apply` (plans, saves that plan, applies exactly it;
//      with no-activate: true, the pre-deployment step);
//   2. writes the markdown plan (and, for apply, the result) to the job summary;
//   3. on a pull request, creates or updates ONE comment holding it, found again by a hidden
//      marker, through the GitHub REST API with the job's token.
//
// The comment is a convenience, the summary is the record: a fork's pull request (read-only
// token: 403) gets a notice, an API that answers 5xx or does not answer gets a warning, and in
// both cases the plan stays in the summary and the job's result is esm's alone. The token is
// sent only in the Authorization header and never written to the log.
//
// Inputs come as INPUT_* environment variables (action.yml sets them); the runner's variables
// (GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_BASE_REF, GITHUB_STEP_SUMMARY,
// GITHUB_OUTPUT) say where. ESM_ACTION_HTTP_TIMEOUT_MS and ESM_ACTION_RETRY_DELAY_MS tune the
// API calls (default 10 s a request, 3 attempts, 1 s then 2 s between them).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ESM = join(ROOT, 'bin', 'esm.js');
const COMMANDS = ['plan', 'plan-offline', 'apply'];
/** GitHub refuses a comment body over 65,536 characters. */
const MAX_COMMENT = 65_000;

/** Runs the action with `env`; writes its log with `log`; returns the exit code. */
export async function main(env = process.env, log = (line) => process.stdout.write(`${line}\n`)) {
  const input = (name, fallback = '') => (env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`] ?? '').trim() || fallback;
  const command = input('command', 'plan');
  if (!COMMANDS.includes(command)) {
    log(workflowCommand('error', `unknown command "${command}": use ${COMMANDS.join(', ')}`));
    return 3;
  }
  const cwd = resolve(input('working-directory', '.'));
  const esmEnv = { ...env, ...clusterEnv(input) };
  delete esmEnv.INPUT_GITHUB_TOKEN;

  // 1. esm
  let run;
  if (command === 'apply') {
    run = await applyRun(cwd, esmEnv, log, { noActivate: input('no-activate', 'false') === 'true' });
  } else {
    const base = input('base', env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : '');
    if (command === 'plan-offline' && base === '') {
      log(workflowCommand('error', 'plan-offline compares with a git ref: set the input base (e.g. origin/main), or run it on a pull request'));
      return 3;
    }
    const args = command === 'plan' ? ['plan', '--markdown', '--detailed-exitcode'] : ['plan', '--offline', '--base', base, '--markdown', '--detailed-exitcode'];
    const r = await esm(args, cwd, esmEnv, log);
    run = { code: r.code, ok: r.code === 0 || r.code === 2, changes: r.code === 2, markdown: r.code === 0 || r.code === 2 ? r.stdout : failure(`esm ${args.join(' ')}`, r) };
  }

  // 2. the job summary: always, first.
  // One comment per command, directory and prefix: two esm steps of a job keep one each.
  const marker = `<!-- esm-action: ${command} ${relativeDir(cwd, env)}${esmEnv.ESM_PREFIX ? ` prefix=${esmEnv.ESM_PREFIX}` : ''} -->`;
  const where = relativeDir(cwd, env) !== '.' ? `<sub>in <code>${relativeDir(cwd, env)}</code></sub>\n\n` : '';
  const body = `${marker}\n${where}${run.markdown.trim()}\n`;
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${body}\n`);
  else log(workflowCommand('notice', 'GITHUB_STEP_SUMMARY is not set: the plan is only in this log'));
  if (!env.GITHUB_STEP_SUMMARY) log(body);

  // 3. one pull-request comment.
  let commentUrl = '';
  const pr = pullRequestNumber(env, input('pull-request'));
  if (input('comment', 'true') !== 'false' && pr !== null) {
    const token = input('github-token');
    if (!token) log(workflowCommand('warning', 'no github-token: the plan is in the job summary only'));
    else commentUrl = await comment({ env, token, pr, marker, body: truncate(body), log });
  }

  output(env, { 'exit-code': String(run.code), changes: String(run.changes), 'comment-url': commentUrl });
  return run.ok ? 0 : run.code || 1;
}

/** esm's cluster settings from the inputs; an empty input leaves the job's environment as it is. */
function clusterEnv(input) {
  const out = {};
  for (const [name, variable] of [
    ['url', 'ESM_URL'],
    ['api-key', 'ESM_API_KEY'],
    ['username', 'ESM_USERNAME'],
    ['password', 'ESM_PASSWORD'],
    ['ca-cert', 'ESM_CA_CERT'],
    ['prefix', 'ESM_PREFIX'],
    ['engine', 'ESM_ENGINE'],
    ['timeout', 'ESM_TIMEOUT'],
    ['manifests', 'ESM_MANIFESTS'],
    ['state', 'ESM_STATE'],
  ]) {
    const value = input(name);
    if (value !== '') out[variable] = value;
  }
  return out;
}

/** apply: the plan is made and saved first (its markdown is what the summary shows), then exactly it is applied. */
async function applyRun(cwd, env, log, { noActivate }) {
  const dir = mkdtempSync(join(tmpdir(), 'esm-action-'));
  try {
    const planFile = join(dir, 'plan.json');
    const plan = await esm(['plan', '--markdown', '--out', planFile], cwd, env, log);
    if (plan.code !== 0) return { code: plan.code, ok: false, changes: false, markdown: failure('esm plan', plan) };
    const apply = await esm(['apply', planFile, '--auto-approve', ...(noActivate ? ['--no-activate'] : [])], cwd, env, log);
    const result = apply.stdout.split('\n').filter((l) => /^(Apply |Pre-deployment apply |  \S)/.test(l)).join('\n') || apply.stdout.trim();
    const what = apply.code !== 0 ? `#### esm apply failed (exit ${apply.code})` : noActivate ? '#### Applied before the deployment (--no-activate: no alias moved)' : '#### Applied';
    const markdown = `${plan.stdout.trim()}\n\n${what}\n\n\`\`\`\n${[result, apply.code === 0 ? '' : apply.stderr.trim()].filter(Boolean).join('\n')}\n\`\`\``;
    return { code: apply.code, ok: apply.code === 0, changes: apply.code === 0, markdown };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the esm of this repository; its stderr (progress, messages) goes to the log as it comes. */
function esm(args, cwd, env, log) {
  log(`$ esm ${args.join(' ')}`);
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [ESM, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => {
      stderr += c;
      for (const line of c.split('\n').filter(Boolean)) log(line);
    });
    child.on('error', (e) => resolvePromise({ code: 1, stdout, stderr: `${stderr}${e.message}\n` }));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

function failure(what, r) {
  return `#### ${what} failed (exit ${r.code})\n\n\`\`\`\n${(r.stderr || r.stdout).trim()}\n\`\`\``;
}

function relativeDir(cwd, env) {
  const workspace = env.GITHUB_WORKSPACE ? resolve(env.GITHUB_WORKSPACE) : process.cwd();
  const rel = cwd.startsWith(`${workspace}/`) ? cwd.slice(workspace.length + 1) : cwd === workspace ? '.' : cwd;
  return rel;
}

/** The pull request of the event (pull_request, pull_request_target, an issue comment on one), or the input. */
function pullRequestNumber(env, given) {
  if (/^\d+$/.test(given)) return Number(given);
  if (!env.GITHUB_EVENT_PATH) return null;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    if (Number.isInteger(event.pull_request?.number)) return event.pull_request.number;
    if (event.issue?.pull_request && Number.isInteger(event.issue.number)) return event.issue.number;
  } catch {
    // No readable event: no pull request to comment on.
  }
  return null;
}

function truncate(body) {
  if (body.length <= MAX_COMMENT) return body;
  return `${body.slice(0, MAX_COMMENT)}\n\n… (cut: the whole plan is in the job summary)\n`;
}

/**
 * Creates the comment, or updates the one that holds `marker`. Returns its URL, or '' when it
 * could not: a 403 (a fork's read-only token) is a notice, anything else a warning.
 */
async function comment({ env, token, pr, marker, body, log }) {
  const api = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const repo = env.GITHUB_REPOSITORY;
  if (!repo) {
    log(workflowCommand('warning', 'GITHUB_REPOSITORY is not set: no pull-request comment; the plan is in the job summary'));
    return '';
  }
  const call = github(api, token, env);
  try {
    let existing = null;
    for (let page = 1; existing === null; page++) {
      const comments = await call('GET', `/repos/${repo}/issues/${pr}/comments?per_page=100&page=${page}`);
      existing = comments.find((c) => typeof c.body === 'string' && c.body.startsWith(marker)) ?? null;
      if (comments.length < 100) break;
    }
    const saved = existing
      ? await call('PATCH', `/repos/${repo}/issues/comments/${existing.id}`, { body })
      : await call('POST', `/repos/${repo}/issues/${pr}/comments`, { body });
    log(`${existing ? 'updated' : 'created'} the plan comment on pull request #${pr}: ${saved.html_url ?? ''}`);
    return saved.html_url ?? '';
  } catch (e) {
    if (e.status === 403) {
      log(workflowCommand('notice', `cannot comment on pull request #${pr} (403: the token is read-only, as for a pull request from a fork): the plan is in the job summary`));
    } else {
      log(workflowCommand('warning', `the plan comment on pull request #${pr} was not written (${e.message}): the plan is in the job summary`));
    }
    return '';
  }
}

/** A GitHub REST call: JSON in and out, a timeout, and up to 3 attempts for 5xx, 429 and timeouts. */
function github(api, token, env) {
  const timeout = Number(env.ESM_ACTION_HTTP_TIMEOUT_MS) || 10_000;
  const delay = Number(env.ESM_ACTION_RETRY_DELAY_MS ?? 1000);
  return async (method, path, json) => {
    let last;
    for (let attempt = 1; attempt <= 3; attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, delay * (attempt - 1)));
      let res;
      try {
        res = await fetch(`${api}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
            'user-agent': 'esm-action',
            ...(json ? { 'content-type': 'application/json' } : {}),
          },
          ...(json ? { body: JSON.stringify(json) } : {}),
          signal: AbortSignal.timeout(timeout),
        });
      } catch (e) {
        last = Object.assign(new Error(e.name === 'TimeoutError' ? `GitHub did not answer ${method} ${path.split('?')[0]} within ${timeout} ms` : `cannot reach GitHub: ${e.cause?.code ?? e.message}`), { status: 0 });
        continue;
      }
      if (res.ok) return res.json();
      const reason = await res.text().then((t) => { try { return JSON.parse(t).message ?? ''; } catch { return ''; } }, () => '');
      last = Object.assign(new Error(`GitHub answered ${res.status} to ${method} ${path.split('?')[0]}${reason ? `: ${reason}` : ''}`), { status: res.status });
      if (res.status < 500 && res.status !== 429) break;
    }
    throw last;
  };
}

/** `::warning title=esm::…`, with what the runner reads as a new command escaped. */
function workflowCommand(kind, message) {
  const escaped = message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return `::${kind} title=esm::${escaped}`;
}

function output(env, values) {
  if (!env.GITHUB_OUTPUT) return;
  appendFileSync(env.GITHUB_OUTPUT, Object.entries(values).map(([k, v]) => `${k}=${v}\n`).join(''));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
