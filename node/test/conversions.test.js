'use strict'
// Conversions against the embedded emulator: start, get, list, waits to every end state.

const { test, describe, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { rr, expectError, conversionSettings } = require('./support.js')
const { Emulator, ConversionFailedError, ConflictError, ForbiddenError } = rr

describe('conversions', () => {
  let emu
  let client
  before(async () => {
    emu = await Emulator.start({ conversionDuration: 600_000, pageSize: 2 })
    client = emu.client({ pollInterval: 10 })
  })
  after(() => emu.stop())

  test('startConversion returns the conversion with the settings echoed back, without SAS', async () => {
    const c = await client.startConversion('conv-start', conversionSettings())
    assert.equal(c.id, 'conv-start')
    assert.ok(['NotStarted', 'Running'].includes(c.status), c.status)
    assert.equal(c.settings.inputLocation.storageContainerUri, 'https://acct.blob.core.windows.net/input')
    assert.equal(c.settings.inputLocation.relativeInputAssetPath, 'models/box.fbx')
    assert.equal(c.settings.outputLocation.outputAssetFilename, 'box.arrAsset')
    assert.equal('storageContainerReadListSas' in c.settings.inputLocation, false)
    assert.equal('storageContainerWriteSas' in c.settings.outputLocation, false)
    assert.ok(c.createdOn instanceof Date)
  })

  test('getConversion returns the conversion, Running until the conversion duration has passed', async () => {
    await client.startConversion('conv-get', conversionSettings())
    emu.advanceClock(1000)
    const c = await client.getConversion('conv-get')
    assert.equal(c.id, 'conv-get')
    assert.equal(c.status, 'Running')
  })

  test('listConversions iterates every conversion across pages', async () => {
    for (const id of ['conv-list-1', 'conv-list-2', 'conv-list-3']) await client.startConversion(id, conversionSettings())
    const seen = []
    for await (const c of client.listConversions()) {
      assert.ok(Object.isFrozen(c))
      seen.push(c.id)
    }
    for (const id of ['conv-list-1', 'conv-list-2', 'conv-list-3']) assert.ok(seen.includes(id), `${id} listed`)
    assert.equal(new Set(seen).size, seen.length, 'no duplicates')
  })

  test('waitForConversion reports progress and resolves Succeeded with the output asset URI', async () => {
    await client.startConversion('conv-ok', conversionSettings())
    const statuses = []
    const c = await client.waitForConversion('conv-ok', {
      pollInterval: 10,
      onProgress: (p) => {
        statuses.push(p.status)
        if (statuses.length === 2) emu.advanceClock(600_000)
      },
    })
    assert.equal(c.status, 'Succeeded')
    assert.equal(c.outputAssetUri, 'https://acct.blob.core.windows.net/output/box.arrAsset')
    assert.ok(statuses.length >= 2)
  })

  test('waitForConversion of a cancelled conversion rejects with ConversionFailedError (Cancelled)', async () => {
    await client.startConversion('conv-cancelled', conversionSettings())
    emu.cancelConversion('conv-cancelled')
    const e = await expectError(client.waitForConversion('conv-cancelled'), ConversionFailedError)
    assert.equal(e.conversion.status, 'Cancelled')
    assert.equal(e.conversion.id, 'conv-cancelled')
  })

  test('waitForConversion of a failed conversion rejects with ConversionFailedError (Failed)', async () => {
    await client.startConversion('conv-injected', conversionSettings())
    emu.failConversion('conv-injected', 'ConversionFailed', 'injected by the test')
    const e = await expectError(client.waitForConversion('conv-injected'), ConversionFailedError)
    assert.equal(e.conversion.status, 'Failed')
    assert.equal(e.details.code, 'ConversionFailed')
    assert.equal(e.conversion.error.code, 'ConversionFailed')
  })

  test('startConversion again with other settings rejects with ConflictError', async () => {
    await client.startConversion('conv-conflict', conversionSettings())
    await expectError(client.startConversion('conv-conflict', conversionSettings({ input: 'other.fbx' })), ConflictError, {
      status: 409,
    })
  })

  test('startConversion without SAS on unlinked storage rejects with ForbiddenError', async () => {
    const e = await expectError(
      client.startConversion('conv-nosas', conversionSettings({ inSas: null, outSas: null })),
      ForbiddenError,
      { status: 403 },
    )
    assert.equal(e.details.code, 'LinkedStorageAccessFailure')
  })
})

describe('conversions with a storage root', () => {
  let emu
  let client
  let root
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-storage-'))
    emu = await Emulator.start({ conversionDuration: 1000, storageRoot: root })
    client = emu.client({ pollInterval: 10 })
  })
  after(async () => {
    await emu.stop()
    fs.rmSync(root, { recursive: true, force: true })
  })

  test('a conversion whose input is missing from the storage root rejects with ConversionFailedError (InputContainerError)', async () => {
    await client.startConversion('conv-missing', conversionSettings({ input: 'models/missing.fbx' }))
    emu.advanceClock(1000)
    const e = await expectError(client.waitForConversion('conv-missing'), ConversionFailedError)
    assert.equal(e.conversion.status, 'Failed')
    assert.equal(e.details.code, 'InputContainerError')
    assert.equal(e.conversion.error.code, 'InputContainerError')
    assert.ok(Array.isArray(e.details.details))
  })

  test('a conversion whose input exists in the storage root succeeds and writes the output', async () => {
    fs.mkdirSync(path.join(root, 'acct', 'input', 'models'), { recursive: true })
    fs.writeFileSync(path.join(root, 'acct', 'input', 'models', 'box.fbx'), 'fbx')
    await client.startConversion('conv-present', conversionSettings())
    emu.advanceClock(1000)
    const c = await client.waitForConversion('conv-present')
    assert.equal(c.status, 'Succeeded')
    assert.ok(fs.existsSync(path.join(root, 'acct', 'output', 'box.arrAsset')))
  })
})
