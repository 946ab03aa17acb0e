#!/usr/bin/env node
// Builds the native addon from source with cargo and puts it where the loader (native.js)
// looks for it. `--if-missing` (the npm install hook) does nothing when an addon is already
// there, e.g. a prebuilt one shipped in the package.
'use strict'

const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const here = path.resolve(__dirname, '..')

function platformSuffix() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
    const glibc = report && report.header && report.header.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

function libraryName() {
  if (process.platform === 'win32') return 'remote_rendering_node.dll'
  if (process.platform === 'darwin') return 'libremote_rendering_node.dylib'
  return 'libremote_rendering_node.so'
}

const target = path.join(here, `remote-rendering.${platformSuffix()}.node`)
if (process.argv.includes('--if-missing') && fs.existsSync(target)) {
  process.exit(0)
}

const profile = process.env.RR_NODE_PROFILE === 'debug' ? 'debug' : 'release'
const manifest = path.join(here, '..', 'bindings', 'node', 'Cargo.toml')
if (!fs.existsSync(manifest)) {
  console.error(`remote-rendering: no prebuilt addon for ${platformSuffix()} and no Rust sources at ${manifest}`)
  process.exit(1)
}
const args = ['build', '--manifest-path', manifest, '-p', 'remote-rendering-node']
if (profile === 'release') args.push('--release')
if (fs.existsSync(path.join(here, '..', 'Cargo.lock'))) args.push('--locked')
console.error(`remote-rendering: building the native addon (cargo ${args.join(' ')})`)
try {
  execFileSync('cargo', args, { stdio: 'inherit' })
} catch (e) {
  console.error('remote-rendering: building the addon needs a Rust toolchain (https://rustup.rs); cargo failed:', e.message)
  process.exit(1)
}
const meta = JSON.parse(
  execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifest], {
    encoding: 'utf8',
  }),
)
const built = path.join(meta.target_directory, profile, libraryName())
fs.copyFileSync(built, target)
console.error(`remote-rendering: ${path.relative(process.cwd(), target)}`)
