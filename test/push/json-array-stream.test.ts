import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonArrayElementSplitter, type JsonArrayElement } from '../../src/push/json-array-stream.ts';

function split(text: string, arrayKey: string | null, cuts: number[] = []): JsonArrayElement[] {
  const splitter = new JsonArrayElementSplitter(arrayKey);
  const elements: JsonArrayElement[] = [];
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    elements.push(...splitter.push(text.slice(start, cut)));
    start = cut;
  }
  elements.push(...splitter.push(text.slice(start)));
  splitter.end();
  return elements;
}

const values = (elements: JsonArrayElement[]) => elements.map((element) => (element.ok ? element.value : 'unreadable'));

describe('JsonArrayElementSplitter', () => {
  it('yields the elements of the array under a top-level key, skipping the other keys', () => {
    const text = '\uFEFF{"exportedAt":"2025-12-01","nested":{"orders":[9]},"list":["orders"],"orders":[{"a":"x]"},{"b":"\\"}"},[1,2],3],"after":[4]}';
    expect(values(split(text, 'orders'))).toEqual([{ a: 'x]' }, { b: '"}' }, [1, 2], 3]);
  });

  it('yields the elements of a top-level array', () => {
    expect(values(split(' [ {"订单号":"TI1"} , {"订单号":"TI2"} ] ', null))).toEqual([{ 订单号: 'TI1' }, { 订单号: 'TI2' }]);
  });

  it('yields nothing for an empty array', () => {
    expect(split('{"orders": []}', 'orders')).toEqual([]);
  });

  it('gives the same elements wherever the chunks are cut', () => {
    const orders = [
      { 订单号: 'TI20250409415683', 备注: '联系张涛，电话13106203290', 'a,b': '[x]{y}' },
      { n: 1.5, t: true, z: null, s: '\\"\u00e9' },
    ];
    const text = JSON.stringify({ platform: '示例商城', orders, tail: { orders: 'no' } }, null, 1);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 12 }), (cuts) => {
        expect(values(split(text, 'orders', cuts))).toEqual(orders);
      }),
    );
  });

  it('marks an element JSON.parse refuses as unreadable and goes on', () => {
    expect(values(split('{"orders":[{"a":1},{"b":tru},{"c":3}]}', 'orders'))).toEqual([{ a: 1 }, 'unreadable', { c: 3 }]);
  });

  it('refuses a file without the array and a file cut inside it', () => {
    expect(() => split('{"items":[1]}', 'orders')).toThrow(/array orders/);
    expect(() => split('[1,2]', 'orders')).toThrow(/JSON object/);
    expect(() => split('{"orders":[{"a":1},{"b"', 'orders')).toThrow(/end inside the array/);
  });
});
