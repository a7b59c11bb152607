import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { ConfigError, ConfigSchema, loadConfig } from './config.js'

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({
      PORT: 8000,
      HOST: '0.0.0.0',
      WORKERS: availableParallelism(),
      REQUEST_TIMEOUT_S: 30,
      HEADERS_TIMEOUT_S: 10,
      KEEP_ALIVE_TIMEOUT_S: 5,
      SHUTDOWN_GRACE_S: 10,
      LOG_LEVEL: 'info',
      MODEL_PATH: '',
      BODY_LIMIT: 1048576,
      MAX_BATCH_ROWS: 10000,
      WEB_ROOT: 'dist/web',
    })
    expect(Object.isFrozen(c)).toBe(true)
    expect(Object.keys(c)).toEqual(Object.keys(ConfigSchema.properties))
  })

  it('reads and converts every variable; empty means default; LOG_LEVEL is case-insensitive', () => {
    const c = loadConfig({
      PORT: '0',
      WORKERS: '2',
      REQUEST_TIMEOUT_S: '2.5',
      LOG_LEVEL: 'DEBUG',
      MODEL_PATH: '/m.json',
      BODY_LIMIT: '2048',
      HOST: '',
      UNRELATED: 'x',
    })
    expect(c).toMatchObject({
      PORT: 0,
      WORKERS: 2,
      REQUEST_TIMEOUT_S: 2.5,
      LOG_LEVEL: 'debug',
      MODEL_PATH: '/m.json',
      BODY_LIMIT: 2048,
      HOST: '0.0.0.0',
    })
    expect(c).not.toHaveProperty('UNRELATED')
  })

  it.each([
    ['PORT', 'abc', /PORT must be an integer >= 0 and <= 65535, got "abc"/],
    ['PORT', '70000', /PORT must be an integer/],
    ['PORT', '80.5', /PORT must be an integer/],
    ['WORKERS', '0', /WORKERS must be an integer >= 1/],
    ['REQUEST_TIMEOUT_S', '-1', /REQUEST_TIMEOUT_S must be a number > 0/],
    ['REQUEST_TIMEOUT_S', '10s', /REQUEST_TIMEOUT_S must be a number/],
    [
      'LOG_LEVEL',
      'verbose',
      /LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"/,
    ],
    ['BODY_LIMIT', '1MB', /BODY_LIMIT must be an integer/],
    ['MAX_BATCH_ROWS', '0', /MAX_BATCH_ROWS must be an integer >= 1/],
  ])('refuses %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [name]: value })).toThrow(message)
  })

  it('reads the rollout gate settings, the p99 rule included', () => {
    expect(loadConfig({})).toMatchObject({
      ROLLOUT_MIN_FEEDBACK: 50,
      ROLLOUT_P99_MARGIN: 1.5,
      ROLLOUT_LATENCY_MIN_SAMPLES: 1000,
      ROLLOUT_P99_FLOOR_MS: 1,
    })
    expect(
      loadConfig({
        ROLLOUT_P99_MARGIN: '2',
        ROLLOUT_LATENCY_MIN_SAMPLES: '200',
        ROLLOUT_P99_FLOOR_MS: '0.5',
      }),
    ).toMatchObject({ ROLLOUT_P99_MARGIN: 2, ROLLOUT_LATENCY_MIN_SAMPLES: 200, ROLLOUT_P99_FLOOR_MS: 0.5 })
    expect(() => loadConfig({ ROLLOUT_P99_MARGIN: '-1' })).toThrow(/ROLLOUT_P99_MARGIN must be a number >= 0/)
    expect(() => loadConfig({ ROLLOUT_LATENCY_MIN_SAMPLES: '0' })).toThrow(/ROLLOUT_LATENCY_MIN_SAMPLES/)
  })

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', WORKERS: 'y' })).toThrow(/PORT .*; WORKERS /)
  })
})
