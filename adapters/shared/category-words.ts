import type { Category } from '../../src/documents/documents.generated.ts';

// Words partners use for the programme's categories (reference/domain.md §3), the schema's own Chinese
// label first (a test holds them equal). A word missing here is reported, never guessed from similarity.
const CATEGORY_WORDS: Readonly<Record<Category, readonly string[]>> = {
  refrigerator: ['冰箱', '电冰箱', '冰柜', '冷柜', '冰吧'],
  washing_machine: ['洗衣机', '洗烘一体机', '烘干机', '干衣机'],
  television: ['电视', '电视机', '液晶电视'],
  air_conditioner: ['空调', '空调器', '中央空调'],
  computer: ['电脑', '笔记本电脑', '笔记本', '台式机', '台式电脑', '一体机电脑'],
  water_heater: ['热水器', '电热水器', '燃气热水器', '空气能热水器'],
  household_stove: ['家用灶具', '灶具', '燃气灶', '集成灶', '电磁炉'],
  range_hood: ['吸油烟机', '油烟机', '抽油烟机'],
  water_purifier: ['净水器', '净水机'],
  dishwasher: ['洗碗机'],
  rice_cooker: ['电饭煲', '电饭锅', '电压力锅'],
  microwave_oven: ['微波炉', '电烤箱'],
  mobile_phone: ['手机', '智能手机'],
  tablet: ['平板', '平板电脑'],
  smartwatch_band: ['智能手表手环', '智能手表', '智能手环', '手表', '手环', '智能穿戴'],
  smart_glasses: ['智能眼镜'],
  passenger_car: ['乘用车', '汽车', '小汽车'],
  electric_bicycle: ['电动自行车', '电动车'],
};

function key(word: string): string {
  return word.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

const categoryByWord = new Map<string, Category>();
for (const [category, words] of Object.entries(CATEGORY_WORDS) as [Category, readonly string[]][]) {
  for (const word of [category, ...words]) categoryByWord.set(key(word), category);
}

/**
 * The category enum value of a Chinese category word (笔记本电脑 → computer, 智能手表 → smartwatch_band) or
 * of the enum value itself; undefined for a word the table does not hold.
 */
export function categoryFromWord(word: string): Category | undefined {
  return categoryByWord.get(key(word));
}
