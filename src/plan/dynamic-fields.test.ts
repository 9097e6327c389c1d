import { describe, expect, it } from 'vitest';
import { canonicalMappings } from '../fingerprint/index.js';
import { dynamicAdditions } from './dynamic-fields.js';

const C = (m: Record<string, unknown>) => canonicalMappings(m);
const KEYWORD_STRINGS = { strings: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } };

describe('dynamicAdditions: fields dynamic mapping added are told apart from removals', () => {
  const declared = { properties: { labels: { type: 'object', dynamic: true }, message: { type: 'text' } } };

  it('default dynamic mapping: a string (text + keyword), a number, a boolean, a date, an object of them', () => {
    const live = {
      properties: {
        labels: {
          dynamic: 'true',
          properties: {
            env: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
            n: { type: 'long' },
            ratio: { type: 'float' },
            on: { type: 'boolean' },
            at: { type: 'date' },
            deep: { properties: { x: { type: 'long' } } },
          },
        },
        message: { type: 'text' },
      },
    };
    const out = dynamicAdditions(C(live), C(declared));
    expect(out.names).toEqual(['labels.at', 'labels.deep.x', 'labels.env', 'labels.n', 'labels.on', 'labels.ratio']);
    expect(out.mappings).toEqual(C(declared));
  });

  it("a field a dynamic template made, as the template's mapping gives it", () => {
    const live = { dynamic_templates: [KEYWORD_STRINGS], properties: { ...declared.properties, labels: { dynamic: 'true', properties: { env: { type: 'keyword', ignore_above: 1024 } } } } };
    const ref = { dynamic_templates: [KEYWORD_STRINGS], ...declared };
    expect(dynamicAdditions(C(live), C(ref)).names).toEqual(['labels.env']);
  });

  it('path_match / match / {name} placeholders are honoured', () => {
    const tpl = { lbl: { path_match: 'labels.*', mapping: { type: 'keyword', meta: { from: '{name}' } } } };
    const live = { dynamic_templates: [tpl], properties: { ...declared.properties, labels: { dynamic: 'true', properties: { env: { type: 'keyword', meta: { from: 'env' } } } } } };
    expect(dynamicAdditions(C(live), C({ dynamic_templates: [tpl], ...declared })).names).toEqual(['labels.env']);
    const other = { dynamic_templates: [tpl], properties: { ...declared.properties, labels: { dynamic: 'true', properties: { env: { type: 'keyword', meta: { from: 'other' } } } } } };
    expect(dynamicAdditions(C(other), C({ dynamic_templates: [tpl], ...declared })).names).toEqual([]);
  });

  it('never hides a real change: a removed field of another shape, or under dynamic false / strict, stays', () => {
    const withAnalyzer = { properties: { ...declared.properties, title: { type: 'text', analyzer: 'english' } } };
    expect(dynamicAdditions(C(withAnalyzer), C(declared)).names).toEqual([]);
    const strict = { dynamic: 'strict', properties: { message: { type: 'text' }, extra: { type: 'long' } } };
    expect(dynamicAdditions(C(strict), C({ dynamic: 'strict', properties: { message: { type: 'text' } } })).names).toEqual([]);
    const off = { properties: { labels: { dynamic: 'false', properties: { env: { type: 'long' } } } } };
    expect(dynamicAdditions(C(off), C({ properties: { labels: { type: 'object', dynamic: false } } })).names).toEqual([]);
    // A declared object with its own parameter is not something dynamic mapping makes.
    const param = { properties: { ...declared.properties, meta: { enabled: false } } };
    expect(dynamicAdditions(C(param), C(declared)).names).toEqual([]);
  });

  it('the root dynamic is inherited; an object may switch it off for its fields', () => {
    const live = { properties: { a: { type: 'long' }, o: { dynamic: 'false', properties: { b: { type: 'long' } } } } };
    const ref = { properties: { o: { type: 'object', dynamic: false } } };
    const out = dynamicAdditions(C(live), C(ref));
    expect(out.names).toEqual(['a']);
    expect(out.mappings).toEqual(C({ properties: { o: { dynamic: 'false', properties: { b: { type: 'long' } } } } }));
  });

  it("OpenSearch's strict_allow_templates: only fields a dynamic template maps", () => {
    const tpl = { k: { match: 'k_*', mapping: { type: 'keyword' } } };
    const live = { dynamic: 'strict_allow_templates', dynamic_templates: [tpl], properties: { k_a: { type: 'keyword' }, n: { type: 'long' } } };
    expect(dynamicAdditions(C(live), C({ dynamic: 'strict_allow_templates', dynamic_templates: [tpl] })).names).toEqual(['k_a']);
  });

  it('nothing added: the same mappings object back', () => {
    const live = C(declared);
    expect(dynamicAdditions(live, C(declared))).toEqual({ mappings: live, names: [] });
  });
});
