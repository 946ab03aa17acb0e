'use strict'
// Conversions on real blob storage: uploads with progress, SAS tokens, preflight, conversions that
// read their input from and write their output to Azurite through the embedded emulator
// (blobStorage), the reports of failed uploads and conversions, bad input, and secrets. Azurite is
// the core's launcher (127.0.0.1, a free port, a fresh data folder), one per file, stopped by PID.
// Without Azurite every test skips, unless REQUIRE_AZURITE=1 (as `make test-node` sets), where
// they fail saying to run `make azurite`.

const { test, describe, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const util = require('node:util')
const { rr, expectError, deadPort } = require('./support.js')
const { StorageAccount, BlobContainer, Emulator } = rr

const required = process.env.REQUIRE_AZURITE === '1' || process.env.CI === 'true'
const table = rr.vocabulary()
const fieldsOf = (name) => table.models.find((m) => m.name === name).fields.map((f) => f.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()))

/** Azurite, or null (the reason noted) when it is not installed and not required. */
async function startAzurite() {
  try {
    return await rr._azuriteForTest()
  } catch (e) {
    if (required) throw new Error(`${e.message}; required here (REQUIRE_AZURITE=1 or CI=true): the tests of blob storage run against it`)
    skipped = e.message
    return null
  }
}
let skipped = ''

/** A glTF model: the .gltf, its buffer and a texture in a subfolder (as the core's tests have it). */
function modelDir(dir) {
  fs.mkdirSync(path.join(dir, 'textures'), { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'scene.gltf'),
    '{"asset":{"version":"2.0"},"buffers":[{"uri":"scene.bin","byteLength":1024}],"images":[{"uri":"textures/wood%20dark.png"}]}',
  )
  fs.writeFileSync(path.join(dir, 'scene.bin'), Buffer.alloc(1024, 7))
  fs.writeFileSync(path.join(dir, 'textures', 'wood dark.png'), Buffer.alloc(300, 1))
  return dir
}

const temps = []
function tempModel(skip = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-node-storage-'))
  temps.push(dir)
  modelDir(dir)
  for (const s of skip) fs.rmSync(path.join(dir, s))
  return dir
}

let containerCount = 0
/** A fresh container name (each test has its own). */
const freshName = (what) => `${what}-${process.pid}-${++containerCount}`

describe('blob storage (Azurite)', () => {
  let az
  let account
  let emu
  let client

  before(async () => {
    az = await startAzurite()
    if (!az) return
    account = new StorageAccount(az.account, az.key, { blobEndpoint: az.blobEndpoint })
    emu = await Emulator.start({ blobStorage: true, conversionDuration: 200 })
    client = emu.client({ pollInterval: 20 })
  })

  after(async () => {
    rr.setLogger(null)
    if (emu) await emu.stop()
    if (az) az.stop()
    for (const d of temps) fs.rmSync(d, { recursive: true, force: true })
  })

  /** Skips the test (with the reason) when Azurite is not there. */
  const needs = (t) => {
    if (az) return false
    t.skip(skipped)
    return true
  }

  /** Containers `input` and `output` (fresh names), the model uploaded under `model/` (without `skip`). */
  async function world(skip = []) {
    const input = freshName('input')
    const output = freshName('output')
    assert.equal(await account.createContainer(input), true)
    assert.equal(await account.createContainer(output), true)
    const dir = tempModel(skip)
    await account.container(input).upload(dir, { prefix: 'model' })
    const settings = (inSas = account.inputSas(input), outSas = account.outputSas(output)) => ({
      inputLocation: {
        storageContainerUri: account.containerUri(input),
        ...(inSas == null ? {} : { storageContainerReadListSas: inSas }),
        blobPrefix: 'model',
        relativeInputAssetPath: 'scene.gltf',
      },
      outputLocation: {
        storageContainerUri: account.containerUri(output),
        ...(outSas == null ? {} : { storageContainerWriteSas: outSas }),
        blobPrefix: 'converted',
      },
    })
    return { input, output, dir, settings }
  }

  const waitOptions = { pollInterval: 20, timeout: 60_000 }

  test('a folder is uploaded with progress: bytesDone reaches bytesTotal, one fileDone per file', async (t) => {
    if (needs(t)) return
    const name = freshName('upload')
    await account.createContainer(name)
    assert.equal(await account.createContainer(name), false, 'there already')
    const dir = tempModel()
    // Write-only: what an upload needs, nothing more.
    const sas = account.containerSas(name, 'cw', { expiry: 600_000 })
    const container = new BlobContainer(account.containerUri(name), sas)
    const events = []
    const report = await container.upload(dir, { prefix: 'model', concurrency: 2, onProgress: (p) => events.push(p) })
    assert.deepEqual(report.uploaded, ['model/scene.bin', 'model/scene.gltf', 'model/textures/wood dark.png'])
    assert.deepEqual(report.notUploaded, [])
    const total = 1024 + 300 + fs.statSync(path.join(dir, 'scene.gltf')).size
    assert.equal(report.bytes, total)
    assert.deepEqual(Object.keys(report), fieldsOf('UploadReport'))
    assert.ok(Object.isFrozen(report))
    // Every event arrived before the promise settled.
    assert.ok(events.length >= 6, `${events.length} events`)
    for (const e of events) assert.deepEqual(Object.keys(e), fieldsOf('UploadProgress'))
    const last = events.reduce((a, b) => (b.bytesDone > a.bytesDone ? b : a))
    assert.deepEqual([last.bytesDone, last.bytesTotal], [total, total])
    for (const blob of report.uploaded) {
      const done = events.filter((e) => e.blob === blob && e.fileDone)
      assert.equal(done.length, 1, `one final event for ${blob}`)
      assert.equal(done[0].fileBytesDone, done[0].fileBytesTotal)
    }
    // Read back with the account key.
    const keyed = account.container(name)
    assert.deepEqual(await keyed.read('model/scene.bin'), Buffer.alloc(1024, 7))
    assert.equal(await keyed.read('model/missing.bin'), null)
    assert.equal(await keyed.exists('model/textures/wood dark.png'), true)
    assert.equal(await keyed.exists('model/nothing'), false)
    assert.deepEqual(await keyed.list({ prefix: 'model/textures' }), ['model/textures/wood dark.png'])
    assert.equal((await keyed.list()).length, 3)
    const e = await expectError(keyed.read('model/scene.bin', { maxBytes: 10 }), rr.InvalidInputError, { field: 'maxBytes' })
    assert.match(e.message, /larger than 10 bytes/)
  })

  test('a conversion reads the uploaded input and writes its output, read back by read, blobReadUrl and assetReadUrl', async (t) => {
    if (needs(t)) return
    const w = await world()
    const input = account.container(w.input)
    const checked = await input.preflight(w.settings())
    assert.deepEqual(Object.keys(checked), fieldsOf('Preflight'))
    assert.equal(checked.inputBlob, 'model/scene.gltf')
    assert.deepEqual(checked.referenced, ['model/scene.bin', 'model/textures/wood dark.png'])
    await client.startConversion('node-conv-ok', w.settings())
    const out = account.container(w.output)
    const statuses = []
    const done = await client.waitForConversionWithReport('node-conv-ok', out, { ...waitOptions, onProgress: (c) => statuses.push(c.status) })
    assert.equal(done.status, 'Succeeded')
    assert.ok(statuses.length > 0)
    assert.equal(done.outputAssetUri, `${account.containerUri(w.output)}/converted/scene.arrAsset`)
    const asset = (await out.read('converted/scene.arrAsset')).toString('utf8')
    assert.match(asset, /input: model\/scene\.gltf/)
    // The result file and log of a succeeded conversion are there too.
    const result = JSON.parse((await out.read('converted/scene.result.json')).toString('utf8'))
    assert.equal(result.status, 'Succeeded')
    assert.equal(result.conversionId, 'node-conv-ok')
    const report = await out.readConversionReport(done)
    assert.match(report, /--- converted\/scene\.conversion\.log/)
    // A read link to the asset works without any other credential, and grants that blob only.
    const link = account.assetReadUrl(done.outputAssetUri, { expiry: 300_000 })
    const got = await fetch(link)
    assert.equal(got.status, 200)
    assert.equal(await got.text(), asset)
    assert.equal((await fetch(link.replace('scene.arrAsset', 'scene.result.json'))).status, 403)
    const resultUrl = account.blobReadUrl(w.output, 'converted/scene.result.json')
    assert.equal(JSON.parse(await (await fetch(resultUrl)).text()).status, 'Succeeded')
  })

  test('an output SAS without write fails the conversion as the service did', async (t) => {
    if (needs(t)) return
    const w = await world()
    const readList = account.containerSas(w.output, 'rl', { expiry: 600_000 })
    await client.startConversion('node-conv-nowrite', w.settings(undefined, readList))
    const e = await expectError(client.waitForConversionWithReport('node-conv-nowrite', account.container(w.output), waitOptions), rr.ConversionFailedError)
    assert.equal(e.details.code, 'OutputContainerError')
    assert.equal(e.conversion.status, 'Failed')
    // Nothing could be written, so there is no result file or log to read back.
    assert.equal(e.conversionReport, undefined)
    assert.equal(await account.container(w.output).exists('converted/scene.arrAsset'), false)
  })

  test('a failed conversion carries its result file and log (conversionReport)', async (t) => {
    if (needs(t)) return
    const w = await world(['textures/wood dark.png'])
    // No preflight: the service finds the missing texture and writes why.
    await client.startConversion('node-conv-notex', w.settings())
    const out = account.container(w.output)
    const e = await expectError(client.waitForConversionWithReport('node-conv-notex', out, waitOptions), rr.ConversionFailedError)
    assert.equal(e.details.code, 'InputAssetError')
    assert.equal(typeof e.conversionReport, 'string')
    assert.match(e.conversionReport, /--- converted\/scene\.result\.json/)
    assert.match(e.conversionReport, /"status": "Failed"/)
    assert.match(e.conversionReport, /--- converted\/scene\.conversion\.log/)
    assert.ok(!e.conversionReport.includes('sig='), e.conversionReport)
    // The same report, read on its own from the conversion; and none for a conversion with no files.
    assert.equal(await out.readConversionReport(e.conversion), e.conversionReport)
    assert.equal(await account.container(w.input).readConversionReport(e.conversion), null)
    // waitForConversion (without the report) leaves it out.
    const plain = await expectError(client.waitForConversion('node-conv-notex', waitOptions), rr.ConversionFailedError)
    assert.equal(plain.conversionReport, undefined)
  })

  test('preflight catches a missing file a .gltf references before anything is started', async (t) => {
    if (needs(t)) return
    const w = await world(['scene.bin'])
    const before = emu.requests('create_conversion')
    const e = await expectError(account.container(w.input).preflight(w.settings()), rr.InvalidInputError, { field: 'input.relativeInputAssetPath' })
    assert.match(e.message, /"model\/scene\.bin"/)
    assert.match(e.message, /buffers\[0\]\.uri/)
    assert.equal(emu.requests('create_conversion'), before, 'no conversion was started')
    // A missing input, and a name the service refuses.
    const missing = { ...w.settings(), inputLocation: { ...w.settings().inputLocation, relativeInputAssetPath: 'nothing.gltf' } }
    const e2 = await expectError(account.container(w.input).preflight(missing), rr.InvalidInputError)
    assert.match(e2.message, /"model\/nothing\.gltf" does not exist/)
  })

  test('a linked storage account with a key in the emulator (storageAccountKeys) needs no SAS', async (t) => {
    if (needs(t)) return
    const w = await world()
    const linked = await Emulator.start({ blobStorage: true, conversionDuration: 200, storageAccountKeys: { [az.account]: az.key } })
    try {
      const c = linked.client({ pollInterval: 20 })
      await c.startConversion('node-conv-linked', w.settings(null, null))
      const done = await c.waitForConversionWithReport('node-conv-linked', account.container(w.output), waitOptions)
      assert.equal(done.status, 'Succeeded')
      assert.equal(await account.container(w.output).exists('converted/scene.arrAsset'), true)
      assert.ok(!util.inspect(linked).includes(az.key))
    } finally {
      await linked.stop()
    }
    // Without the key (the shared emulator), the same settings are refused.
    const e = await expectError(client.startConversion('node-conv-unlinked', w.settings(null, null)), rr.ForbiddenError)
    assert.equal(e.details.code, 'LinkedStorageAccessFailure')
    // A key that is not base64 is refused when the emulator starts, without the key in the message.
    const bad = await expectError(Emulator.start({ blobStorage: true, storageAccountKeys: { [az.account]: 'not base64 key!' } }), rr.InvalidInputError)
    assert.ok(!bad.message.includes('not base64 key!'), bad.message)
  })

  test('contentConversionId: the same input and settings give the same id, a new SAS too, and nothing is sent', async (t) => {
    if (needs(t)) return
    const w = await world()
    const requests = emu.stats().requests
    const id = await client.contentConversionId(w.dir, w.settings())
    assert.match(id, /^conversion-sha256-[0-9a-f]{64}$/)
    const again = await client.contentConversionId(w.dir, w.settings(account.inputSas(w.input, { expiry: 60_000 })))
    assert.equal(again, id)
    fs.writeFileSync(path.join(w.dir, 'scene.bin'), Buffer.alloc(1024, 8))
    assert.notEqual(await client.contentConversionId(w.dir, w.settings()), id, 'other bytes, another id')
    assert.equal(emu.stats().requests, requests, 'nothing was sent')
    await expectError(client.contentConversionId(path.join(w.dir, 'none'), w.settings()), rr.InvalidInputError, { field: 'path' })
  })

  test('a failed upload carries an uploadReport naming what was not uploaded', async (t) => {
    if (needs(t)) return
    const name = freshName('upload-ro')
    await account.createContainer(name)
    const readOnly = new BlobContainer(account.containerUri(name), `?${account.inputSas(name)}`)
    const e = await expectError(readOnly.upload(tempModel(), { prefix: 'x' }), rr.ForbiddenError)
    assert.deepEqual(e.uploadReport.uploaded, [])
    assert.deepEqual(e.uploadReport.notUploaded, ['x/scene.bin', 'x/scene.gltf', 'x/textures/wood dark.png'])
    assert.deepEqual(Object.keys(e.uploadReport), fieldsOf('UploadReport'))
    assert.match(e.message, /uploaded 0 of 3 files/)
  })

  test('an aborted upload rejects with AbortError and reports what was and was not uploaded', async (t) => {
    if (needs(t)) return
    const name = freshName('upload-abort')
    await account.createContainer(name)
    // The abort reaches the upload a little after the event that asks for it (progress is
    // delivered to JS asynchronously): the file after the first is large (in 8 MiB blocks), so
    // it is still being sent when the abort arrives.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-node-storage-'))
    temps.push(dir)
    fs.writeFileSync(path.join(dir, 'a.bin'), 'first')
    fs.writeFileSync(path.join(dir, 'b-large.bin'), Buffer.alloc(48 << 20, 3))
    fs.writeFileSync(path.join(dir, 'c.bin'), 'last')
    const controller = new AbortController()
    const events = []
    const e = await expectError(
      account.container(name).upload(dir, {
        concurrency: 1,
        signal: controller.signal,
        onProgress: (p) => {
          events.push(p)
          if (p.fileDone) controller.abort()
        },
      }),
      rr.AbortError,
    )
    assert.deepEqual(e.uploadReport.uploaded, ['a.bin'])
    assert.deepEqual(e.uploadReport.notUploaded, ['b-large.bin', 'c.bin'])
    assert.equal(e.uploadReport.bytes, 5)
    assert.match(e.message, /uploaded 1 of 3 files/)
    assert.ok(!events.some((p) => p.blob === 'c.bin'), 'no file was started after the abort')
    assert.ok(!events.some((p) => p.blob === 'b-large.bin' && p.fileDone), 'the large file was not completed')
    // The storage discards the blocks of a file that was never completed.
    assert.deepEqual(await account.container(name).list(), ['a.bin'])
    // An already aborted signal: nothing is sent.
    const other = freshName('upload-abort')
    await account.createContainer(other)
    await expectError(account.container(other).upload(tempModel(), { signal: AbortSignal.abort() }), rr.AbortError)
    assert.deepEqual(await account.container(other).list(), [])
  })

  test('a timed-out upload rejects with WaitTimeoutError and its report', async (t) => {
    if (needs(t)) return
    const name = freshName('upload-timeout')
    await account.createContainer(name)
    const e = await expectError(account.container(name).upload(tempModel(), { timeout: 0 }), rr.WaitTimeoutError)
    assert.equal(e.uploadReport.notUploaded.length + e.uploadReport.uploaded.length, 3)
  })

  test('bad input is an InvalidInputError naming the field, before any request', async (t) => {
    if (needs(t)) return
    const name = freshName('bad')
    await account.createContainer(name)
    const c = account.container(name)
    // A path that is neither file nor folder.
    const e1 = await expectError(c.upload('/dev/null'), rr.InvalidInputError, { field: 'path' })
    assert.match(e1.message, /neither a file nor a folder/)
    await expectError(c.upload(path.join(os.tmpdir(), 'rr-node-no-such-folder')), rr.InvalidInputError, { field: 'path' })
    // concurrency 0 (and more than the table's maximum).
    const e2 = await expectError(c.upload(tempModel(), { concurrency: 0 }), rr.InvalidInputError, { field: 'concurrency' })
    assert.match(e2.message, /from 1 to 64/)
    await expectError(c.upload(tempModel(), { concurrency: rr.defaults.constants.maxUploadConcurrency + 1 }), rr.InvalidInputError, { field: 'concurrency' })
    await expectError(c.upload(tempModel(), { concurrency: 1.5 }), rr.InvalidInputError, { field: 'concurrency' })
    // A malformed key.
    await expectError(() => new StorageAccount(az.account, 'not a key!', { blobEndpoint: az.blobEndpoint }), rr.InvalidInputError, { field: 'storage.accountKey' })
    await expectError(() => new StorageAccount('Not_A_Name', az.key), rr.InvalidInputError, { field: 'storage.accountName' })
    await expectError(() => new StorageAccount(az.account, az.key, { blobEndpoint: 'http://example.com/x' }), rr.InvalidInputError, { field: 'storage.blobEndpoint' })
    // A bad permission letter, an expiry out of range.
    await expectError(() => account.containerSas(name, 'rx'), rr.InvalidInputError, { field: 'permissions' })
    await expectError(() => account.containerSas(name, ''), rr.InvalidInputError, { field: 'permissions' })
    await expectError(() => account.inputSas(name, { expiry: 8 * 24 * 3600_000 }), rr.InvalidInputError, { field: 'expiry' })
    await expectError(() => account.outputSas(name, { expiry: -1 }), rr.InvalidInputError, { field: 'expiry' })
    await expectError(() => account.container('Bad_Name'), rr.InvalidInputError, { field: 'container' })
    // A SAS that is not one, a container URI that is a blob's, arguments of the wrong type.
    await expectError(() => new BlobContainer(account.containerUri(name), 'sv=1'), rr.InvalidInputError, { field: 'sas' })
    await expectError(() => new BlobContainer(`${account.containerUri(name)}/a.bin`, account.inputSas(name)), rr.InvalidInputError, { field: 'storageContainerUri' })
    await expectError(() => account.containerSas(name, 5), rr.InvalidInputError, { field: 'permissions' })
    await expectError(c.upload(42), rr.InvalidInputError, { field: 'path' })
    await expectError(client.waitForConversionWithReport('x', {}), rr.InvalidInputError, { field: 'output' })
    await expectError(c.readConversionReport({ id: 'x' }), rr.InvalidInputError, { field: 'conversion' })
    await expectError(c.preflight({ inputLocation: {} }), rr.InvalidInputError, { field: 'settings' })
    assert.deepEqual(await c.list(), [], 'nothing was uploaded')
  })

  test('an unreachable storage endpoint is a TransportError that says to check the endpoint', async (t) => {
    if (needs(t)) return
    const port = await deadPort()
    const dead = new StorageAccount(az.account, az.key, { blobEndpoint: `http://127.0.0.1:${port}/${az.account}` })
    const e = await expectError(dead.container('input').upload(tempModel()), rr.TransportError)
    assert.match(e.message, /storage\.blob_endpoint/)
    assert.equal(e.uploadReport.notUploaded.length, 3)
    await expectError(dead.createContainer('input'), rr.TransportError)
  })

  test('the key and every SAS are never in any output: inspect, JSON, toString, error messages, logs', async (t) => {
    if (needs(t)) return
    const records = []
    rr.setLogger((r) => records.push(r), { level: 'trace' })
    const w = await world(['scene.bin'])
    const inSas = account.inputSas(w.input)
    const outSas = account.outputSas(w.output)
    const url = account.blobReadUrl(w.output, 'a.arrAsset')
    const sig = (s) => new URLSearchParams(s.includes('?') ? s.slice(s.indexOf('?') + 1) : s).get('sig')
    const secrets = [az.key, sig(inSas), sig(outSas), sig(url)].flatMap((s) => [s, encodeURIComponent(s)])
    for (const s of secrets) assert.ok(s && s.length > 20)
    const shown = []
    const show = (v) =>
      shown.push(
        util.inspect(v),
        util.inspect(v, { showHidden: true, depth: Infinity, getters: true }),
        String(v),
        JSON.stringify(v) ?? '',
        v instanceof Error ? `${v.message}\n${v.stack}` : '',
      )
    show(account)
    show(account.container(w.input))
    show(new BlobContainer(account.containerUri(w.input), inSas))
    const settings = w.settings(inSas, outSas)
    show(await expectError(account.container(w.input).preflight(settings), rr.InvalidInputError))
    show(await expectError(new BlobContainer(account.containerUri(w.output), outSas).list(), rr.ForbiddenError))
    show(await expectError(new BlobContainer(account.containerUri(w.input), inSas).upload(w.dir), rr.ForbiddenError))
    await client.startConversion('node-conv-secrets', settings)
    const failed = await expectError(client.waitForConversionWithReport('node-conv-secrets', account.container(w.output), waitOptions), rr.ConversionFailedError)
    show(failed)
    show(failed.conversion)
    show(await client.getConversion('node-conv-secrets'))
    show(await expectError(() => new StorageAccount(az.account, `${az.key}!`), rr.InvalidInputError))
    rr.setLogger(null)
    assert.ok(records.length > 0, 'the operations logged')
    for (const r of records) shown.push(`${r.level} ${r.target} ${r.message}`)
    for (const text of shown) {
      for (const s of secrets) assert.ok(!text.includes(s), `a secret in: ${text}`)
    }
  })
})

describe('Azurite from the core launcher', () => {
  test('is stopped by PID and its data removed; stop() twice does nothing', async (t) => {
    const az = await startAzurite()
    if (!az) return t.skip(skipped)
    const { pid, dataDir } = az
    assert.ok(fs.existsSync(dataDir))
    assert.match(az.blobEndpoint, new RegExp(`^http://127\\.0\\.0\\.1:${az.port}/devstoreaccount1$`))
    az.stop()
    az.stop()
    assert.ok(!fs.existsSync(dataDir), 'the data folder is removed')
    const gone = !fs.existsSync(`/proc/${pid}`) || / Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\)/, ')'))
    assert.ok(gone, `process ${pid} is gone`)
    await assert.rejects(fetch(`http://127.0.0.1:${az.port}/`), 'nothing listens on its port any more')
  })
})
