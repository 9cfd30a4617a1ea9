// package.json's contributes.configuration is written by hand; the method descriptors' options
// that name a setting key must agree with it (type, default, minimum, maximum).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { attributionMethods } from '../../src/engine/methods/catalog';

interface SettingSchema {
  type?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: string[];
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, SettingSchema> } } };
const properties = manifest.contributes.configuration.properties;
const withSettings = attributionMethods().flatMap((d) => Object.entries(d.options).flatMap(([key, spec]) => (spec.settingKey ? [{ where: `${d.name}.${key}`, spec, settingKey: spec.settingKey }] : [])));

it('the method settings are the ones the descriptors name', () => {
  expect(withSettings.map((s) => s.settingKey).sort()).toEqual(['convscope.integratedGradients.steps', 'convscope.occlusion.stride', 'convscope.occlusion.window', 'convscope.smoothGrad.samples']);
});

it.each(withSettings.map((s) => [s.settingKey, s] as const))('%s agrees with its descriptor option', (settingKey, { where, spec }) => {
  const setting = properties[settingKey];
  expect(setting, `${settingKey} (${where}) is missing from package.json`).toBeDefined();
  const type = { int: 'integer', number: 'number', choice: 'string', string: 'string', layer: 'string', layers: 'array', file: 'string', files: 'array' }[spec.type];
  expect(setting!.type, `${settingKey} type`).toBe(type);
  expect(setting!.default, `${settingKey} default`).toBe(spec.default);
  expect(setting!.minimum, `${settingKey} minimum`).toBe(spec.min);
  expect(setting!.maximum, `${settingKey} maximum`).toBe(spec.max);
  if (spec.type === 'choice') expect(setting!.enum, `${settingKey} enum`).toEqual(spec.choices);
});
