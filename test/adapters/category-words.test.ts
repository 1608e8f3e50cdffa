import { describe, expect, it } from 'vitest';
import { categoryFromWord } from '../../adapters/shared/category-words.ts';
import { enumLabels } from '../../src/documents/document-validator.ts';

describe('categoryFromWord', () => {
  it("knows every category's Chinese label from the schema", () => {
    for (const [category, label] of enumLabels('category')) expect(categoryFromWord(label.zh)).toBe(category);
  });

  it.each([
    ['笔记本电脑', 'computer'],
    ['智能手表', 'smartwatch_band'],
    ['手机', 'mobile_phone'],
    ['平板', 'tablet'],
    ['吸油烟机', 'range_hood'],
    ['冰柜', 'refrigerator'],
    [' 电视机 ', 'television'],
    ['mobile_phone', 'mobile_phone'],
  ])('maps %s to %s', (word, category) => {
    expect(categoryFromWord(word)).toBe(category);
  });

  it.each(['游戏机', '扫地机器人', '投影仪', '手', ''])('does not guess %s', (word) => {
    expect(categoryFromWord(word)).toBeUndefined();
  });
});
