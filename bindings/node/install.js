'use strict';
/**
 * The package's `install` script. A packed package (`npm pack`) carries its prebuilt addon,
 * and this does nothing. Installed from a clone (`npm install ./bindings/node`, or `npm install`
 * in this directory) without the addon, it builds it: `cargo build --release -p bearerkit-node`
 * in the repository's workspace, then copies the library to `bearerkit.<platform>.node`, the
 * name `napi build --platform` gives it. Needs Rust and cargo; honours CARGO_TARGET_DIR and
 * CARGO_BUILD_JOBS.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

/** As in index.js: the file-name part of the addon for this platform. */
function platformName() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
    const glibc = report && report.header && report.header.glibcVersionRuntime;
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

const addon = path.join(__dirname, `bearerkit.${platformName()}.node`);
if (fs.existsSync(addon)) {
  process.exit(0);
}
const manifest = path.join(__dirname, 'Cargo.toml');
if (!fs.existsSync(manifest)) {
  console.error(`bearerkit: ${path.basename(addon)} is missing and there are no Rust sources to build it from`);
  process.exit(1);
}
console.error(`bearerkit: building the native addon (cargo build --release -p bearerkit-node)`);
const cargo = process.env.CARGO || 'cargo';
execFileSync(cargo, ['build', '--release', '-p', 'bearerkit-node', '--manifest-path', manifest], { stdio: 'inherit' });
const metadata = JSON.parse(
  execFileSync(cargo, ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifest], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  }),
);
const library = {
  darwin: 'libbearerkit_node.dylib',
  win32: 'bearerkit_node.dll',
}[process.platform] || 'libbearerkit_node.so';
fs.copyFileSync(path.join(metadata.target_directory, 'release', library), addon);
console.error(`bearerkit: built ${path.basename(addon)}`);
