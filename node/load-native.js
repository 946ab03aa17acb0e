'use strict'
// Loads the native addon through napi's generated loader (native.js, regenerated and checked by
// `make test`, so it is not edited by hand). When no addon fits this machine, napi's loader
// throws a generic message that blames npm; this module replaces it with one that names the
// platform, the package that would hold its addon, and how to build from source.

const path = require('node:path')

// The platform tag napi's loader uses in package and file names (linux-x64-gnu, ...).
function platformTag() {
  const { platform, arch } = process
  if (platform !== 'linux') return `${platform}-${arch}`
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
  const glibc = Boolean(report && report.header && report.header.glibcVersionRuntime)
  return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
}

function explain(cause) {
  let manifest = {}
  try {
    manifest = require(path.join(__dirname, 'package.json'))
  } catch {
    // no manifest next to the loader: nothing to list
  }
  const name = manifest.name || 'remote-rendering'
  const version = manifest.version || ''
  const tag = platformTag()
  const wanted = `${name}-${tag}`
  const prebuilt = Object.keys(manifest.optionalDependencies || {})
    .filter((dep) => dep.startsWith(`${name}-`))
    .map((dep) => dep.slice(name.length + 1))
  const fromSource =
    'To build the addon from source (needs Rust 1.82+ from https://rustup.rs): clone ' +
    'https://github.com/remote-rendering/remote-rendering and run `npm install ./node` in it, ' +
    'then install that folder.'
  let message
  if (prebuilt.includes(tag)) {
    message =
      `${name}: the native addon for ${tag} is in the package ${wanted}@${version}, which is not installed ` +
      '(optional dependencies were skipped, e.g. by --omit=optional, or the lock file was made on another ' +
      `platform). Install it: npm install ${wanted}@${version}. ${fromSource}`
  } else {
    message =
      `${name}: no prebuilt native addon for ${tag} (Node ${process.version}). ` +
      (prebuilt.length > 0 ? `Prebuilt addons exist for: ${prebuilt.join(', ')}. ` : '') +
      fromSource
  }
  const error = new Error(message)
  error.code = 'ERR_REMOTE_RENDERING_NO_ADDON'
  error.platform = tag
  error.cause = cause
  return error
}

let native
try {
  native = require('./native.js')
} catch (e) {
  const text = e && typeof e.message === 'string' ? e.message : ''
  if (text.startsWith('Cannot find native binding') || text.startsWith('Failed to load native binding')) {
    throw explain(e)
  }
  throw e
}

module.exports = native
