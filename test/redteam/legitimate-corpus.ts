/**
 * Values the gate must never refuse: real model names and model codes of twenty brands across phones,
 * tablets, laptops, watches and appliances (as brands print them, with storage, colour and edition
 * words), the wording of faults, grades and wipe methods in the recyclers' sheets (the adapters' phrase
 * tables), and every enumeration value of the standard. Model names were taken from the brands' own
 * product pages and 3C certificates; codes (`SM-S9280`, `V2309A`, `PGT-AN10`, `A2849`, `KFR-35GW/…`)
 * are the regulatory model numbers printed on the devices and energy labels.
 */
import { CONDITION_GRADES } from '../../adapters/recycler-inspections-csv/condition-words.ts';
import { FAULT_PHRASES, NO_FAULT_PHRASES } from '../../adapters/recycler-inspections-csv/fault-phrases.ts';
import { WIPE_METHODS } from '../../adapters/recycler-inspections-csv/wipe-methods.ts';
import { DEMO_CATALOGUE } from '../../src/demo/demo-catalogue.ts';
import defs from '../../schema/defs.schema.json' with { type: 'json' };

export const MODELS_BY_BRAND: Readonly<Record<string, readonly string[]>> = {
  Apple: [
    'iPhone 11 64GB', 'iPhone 12 mini', 'iPhone 13 128GB', 'iPhone 14 Pro 256GB', 'iPhone 15 Pro Max 1TB', 'iPhone 16 Plus', 'iPhone SE (第三代)',
    'iPhone 15 Pro 256GB 原色钛金属', 'iPhone 14 午夜色', 'A2849', 'A3108', 'A2634', 'A2892', 'iPad Pro 12.9英寸 (第六代)', 'iPad Air (第五代) 64GB',
    'iPad mini 6', 'iPad (第十代) WLAN', 'MacBook Air 13英寸 M2 8+256', 'MacBook Pro 14英寸 M3 Pro', 'MacBook Pro 16 2021', 'iMac 24英寸 M1',
    'Apple Watch Series 9 45mm', 'Apple Watch Ultra 2', 'Apple Watch SE 40mm GPS', 'AirPods Pro (第二代)', 'Mac mini M2', 'MLY33CH/A', 'MQKP3CH/A',
  ],
  Huawei: [
    'Mate 60 Pro', 'Mate 60 Pro+ 16+512', 'Mate X5 典藏版', 'P60 Art', 'Pura 70 Ultra', 'nova 12 Pro', 'nova 11 SE', '畅享 70', '麦芒 30',
    'Mate 40 Pro 8+256 秘银色', 'ALN-AL00', 'BRA-AL00', 'HBN-AL00', 'MatePad 11.5S 柔光版 8+256', 'MatePad Pro 13.2英寸', 'MatePad Air 11.5',
    'MateBook X Pro 2024', 'MateBook 14 2021', 'MateBook D 16 2024', 'MateBook E Go', 'WATCH GT 4 41mm 玫瑰金女士款', 'WATCH GT 4 46mm',
    'WATCH 4 Pro', '手环 8 NFC版', 'FreeBuds Pro 3', 'Mate 20 X 5G', 'P40 Pro+', 'Mate 30 RS 保时捷设计',
  ],
  Honor: [
    'Magic6 Pro', 'Magic5 至臻版', 'Magic V2', 'Magic Vs 2', '荣耀 90 GT', '荣耀 X50', '荣耀 X50i+', '荣耀 Play8T', '荣耀 100 Pro',
    'PGT-AN10', 'BVL-AN16', 'ELI-AN00', 'MagicBook 14 2023', 'MagicBook X 16 Pro', 'MagicPad 13', '荣耀平板 9', 'Watch 4 Pro', '手环 9',
  ],
  Xiaomi: [
    'Xiaomi 14 Ultra', 'Xiaomi 14 Pro 钛金属版', 'Xiaomi 13', '小米 13 Ultra', 'Redmi K70 Pro', 'Redmi Note 13 Pro+', 'Redmi 13C 5G',
    'MIX Fold 3', 'Civi 4 Pro', '2304FPN6DC', '23127PN0CC', '24031PN0DC', 'Xiaomi Pad 6 Max 14', 'Redmi Pad SE', 'RedmiBook Pro 16 2024',
    'Xiaomi Book Pro 14 2022', 'Xiaomi Watch S3', 'Redmi Watch 4', '小米手环 8 Pro', 'Mijia 米家冰箱 BCD-606WMSA', '米家空调 KFR-35GW/N1A3',
    '米家洗烘一体机 XHQG100MJ202',
  ],
  OPPO: [
    'Find X7 Ultra', 'Find N3 Flip', 'Reno11 Pro', 'Reno10 Pro+', 'K11x', 'A2 Pro', 'A58', 'PHZ110', 'PJD110', 'PHY110', 'OPPO Pad 2',
    'OPPO Pad Air', 'OPPO Watch 4 Pro', 'Enco X2', 'Find X6 Pro 16+512 大漠银月',
  ],
  vivo: [
    'X100 Pro', 'X100 Ultra', 'X Fold3 Pro', 'S18 Pro', 'S17e', 'Y78+', 'iQOO 12 Pro', 'iQOO Neo9', 'iQOO Z8x', 'V2309A', 'V2324A', 'V2241A',
    'vivo Pad3 Pro', 'vivo Pad Air', 'vivo WATCH 3', 'X90 Pro+ 12+256 原黑',
  ],
  Samsung: [
    'Galaxy S24 Ultra', 'Galaxy S24+ 12GB+256GB', 'Galaxy S23 FE', 'Galaxy Z Fold5', 'Galaxy Z Flip5', 'Galaxy A54 5G', 'Galaxy Note20 Ultra',
    'SM-S9280', 'SM-S9210', 'SM-F9460', 'SM-A5460', 'Galaxy Tab S9 Ultra', 'Galaxy Tab S9 FE', 'Galaxy Book3 Pro 360', 'Galaxy Watch6 Classic 47mm',
    'Galaxy Watch6 40mm', 'Galaxy Buds2 Pro', 'RS62R5007M9/SC', 'WW90T3040WW/SC', 'UA65CU8000JXXZ', 'QA75QN90CAJXXZ',
  ],
  Lenovo: [
    'ThinkPad X1 Carbon Gen 11', 'ThinkPad T14 Gen 4', 'ThinkPad E14 2023', 'ThinkBook 14+ 2024', 'ThinkBook 16 G6+', 'Legion Y9000P 2024',
    '拯救者 R9000P 2023', '小新 Pro 16 2023', 'YOGA Air 14s', 'YOGA Pro 14s 至尊版', 'Lenovo Tab P12', '小新 Pad Pro 12.7', 'ThinkCentre M90t',
    '21HMCTO1WW', '82Y9', '拯救者 Y700 2023', 'Legion Tab',
  ],
  Dell: [
    'XPS 13 9340', 'XPS 15 9530', 'XPS 16 9640', 'Inspiron 14 5430', 'Inspiron 16 Plus 7630', 'Latitude 7440', 'Latitude 5540', 'Vostro 3520',
    'Alienware m16 R2', 'Alienware x14 R2', 'G15 5530', 'OptiPlex 7010', 'Precision 3581', 'P132G', 'P161G',
  ],
  HP: [
    'EliteBook 840 G10', 'EliteBook 1040 G11', 'ProBook 450 G10', 'Spectre x360 14', 'ENVY x360 15', 'Pavilion Plus 14', '战66 六代',
    '战X 2024', '暗影精灵10', '光影精灵9', 'OMEN Transcend 14', 'ZBook Firefly 14 G10', 'HP 14s-dq5010TU', 'Victus 16-r0010TX',
  ],
  Haier: [
    'BCD-510WDPZU1', 'BCD-470WGHFD4DSCU1', 'BCD-216STPT', 'BCD-650WGHSS8EL9', 'EG100MATE2S', 'EG10014B39GU1', 'XQG100-BD14376LU1',
    'XQB100-Z206', 'EC6001-MC3', 'EC6002-JT3(U1)', 'JSQ30-16WN3S', 'KFR-35GW/81@U1-Ge', 'KFR-72LW/07EDS81', 'LU65X5', 'CXW-219-E900C11',
    '卡萨帝 BCD-636WGCTDM4GYU1', '统帅 BCD-218LHTMC', 'Haier 海尔 EYW13028CLDU1',
  ],
  Midea: [
    'BCD-516WKPZM', 'BCD-606WKPZM(E)', 'BCD-450WFPZM(E)', 'MG100V58WT', 'MD100V58WIT', 'MG100-1213DY', 'KFR-35GW/N8XHC1', 'KFR-72LW/N8MJA3',
    'KFR-26GW/BDN8Y-YH200(1)A', 'F6032-JE6(HE)', 'JSQ30-H6', 'WQP12-W5201C-CN', 'MB-FB40M1', 'MJ-PB80E2', 'CXW-280-J25', '75M7 Pro',
    '美的 酷省电 KFR-35GW/N8KS1-1', 'Midea 美的 M3 PRO 洗碗机',
  ],
  Gree: [
    'KFR-35GW/NhGa1BAj', 'KFR-35GW/(35594)FNhAa-B1', 'KFR-72LW/(72555)FNhAc-B1', 'KFR-26GW/NhZbB1W', 'KFR-50LW/NhAa1BAj',
    '云佳 KFR-35GW/NhGc1B', '天仪 KFR-72LW/NhIbB1W', '京桂 KFR-26GW', 'GSP24', 'FD-4012', 'BCD-408WPQC', '格力 云锦Ⅱ',
  ],
  Hisense: [
    '65E3H', '75E7K', '65E5K', '85U7K', '55A6K', '100L9H', 'HZ65E3D-PRO', 'BCD-539WTDGVBP', 'BCD-460WMK1DPQ', 'XQG100-BH1406F',
    'KFR-35GW/E370-X1', '海信 Vidda 65V1K-S', '海信 E8K 75英寸', 'LED65E7C',
  ],
  TCL: [
    '65T7H', '75Q10K', '85X11G', '55V8G', '98Q10G', '65C11G', 'R470V5-U', 'BCD-520WEPZA50', 'XQG100-P310B', 'KFR-35GW/XQ11+B3',
    'TCL 10 Pro', 'TCL NXTPAPER 14', '雷鸟 鹏7 Pro 65英寸',
  ],
  Sony: [
    'Xperia 1 V', 'Xperia 5 IV', 'Xperia 10 V', 'XQ-DQ72', 'XQ-EC72', 'KD-65X85K', 'XR-65A80EK', 'K-75XR90', 'KD-55X80L', 'WH-1000XM5',
    'WF-1000XM5', 'PlayStation 5 CFI-1200A', 'α7 IV ILCE-7M4',
  ],
  OnePlus: ['OnePlus 12', 'OnePlus 12R', 'OnePlus Ace 3', 'OnePlus Ace 2 Pro', 'OnePlus 11', 'PJD110', 'PJE110', 'PHB110', 'OnePlus Pad', 'OnePlus Pad Go', '一加 12 16+512 留白'],
  Asus: [
    'ROG Phone 8 Pro', 'ROG 魔霸7 Plus', 'ROG 幻16 2023', 'ROG 枪神8 Plus', 'Zenfone 10', 'Zenbook 14 OLED UX3405MA', 'Vivobook S 15', '无畏Pro15 2023',
    '天选5 Pro', 'TUF Gaming A15 FA507NV', 'ExpertBook B9 B9403CVA', 'ProArt Studiobook 16',
  ],
  Siemens: [
    'KA92NV02TI', 'KA98NV143C', 'KG32HA22EC', 'SN23HI60CE', 'SJ45HI00KC', 'WM12P2602W', 'WG54C3B0HW', 'WN54A2X40W', 'WT47U6H00W',
    'LC45SK952W', 'ER7MF232MP', 'KI86NVF20C', 'SN25ZI49CE',
  ],
  Panasonic: [
    'NR-EW45TGA-W', 'NR-TE45AXB-W', 'NA-VX90GL', 'XQG100-E1GAX', 'NA-EH2001', 'CS-E9KJ1', 'CS-EH12KJ1', 'NN-DS900', 'NN-GF574M',
    'ES-LV9U', 'EW-DL83', 'TH-65LX980C', 'Lumix S5M2',
  ],
};

const GRADES_AND_WORDS: readonly string[] = [
  ...Object.keys(CONDITION_GRADES), ...Object.keys(FAULT_PHRASES), ...NO_FAULT_PHRASES, ...Object.keys(WIPE_METHODS),
  // Grade values of the schemes the standard names (CTIA, R2, GB/T 45656-2025, T/TAF 173—2023) and their wording.
  'A', 'B', 'C', 'D', 'E', 'X', '0', '1', '2', '3', '9', 'F1', 'F3', 'F5', 'F6', 'C1', 'C3', 'C6', 'C7', 'C8', '一级', '二级', '三级', '四级',
  '准新', '优良', '良好', '一般', '较差', 'A+', 'B+', '99新', '95新', '9成新', '8成新', '7成新及以下', '全新未拆封', '官换机', '展示机',
  'GB/T 45656-2025', 'T/TAF 173—2023', 'NIST SP 800-88 Rev.1', 'IEEE 2883-2022', 'ISO/IEC 27040', 'Blancco Drive Eraser 7.8.1', '爱数清 3.2',
  '恢复出厂设置', '加密擦除', '物理销毁', '国标覆写 3遍', '屏幕老化', '电池健康度85%', '电池效率78%', '2024年', '2025-04', '2026-11', '110000',
  '440300', '330100', '5000mAh', '8+256', '12GB+512GB', '6.7英寸', '65英寸', '1.5匹', '3匹 新一级能效', '十年包修', '一级能效',
  '双门', '十字对开门', '三门冰箱', '洗烘一体', '10公斤', '滚筒洗衣机', '波轮', '变频', '定频', '挂机', '柜机', '中央空调 一拖三', '热泵热水器 200升',
];

function enumValues(): string[] {
  const values: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (Array.isArray(record['enum'])) for (const value of record['enum']) if (typeof value === 'string') values.push(value);
    for (const child of Object.values(record)) visit(child);
  };
  visit(defs);
  return values;
}

/** Every legitimate value, deduplicated: models of every brand, the demo catalogue, wording and enum values. */
export const LEGITIMATE_VALUES: readonly string[] = [
  ...new Set([
    ...Object.entries(MODELS_BY_BRAND).flatMap(([brand, models]) => [brand, ...models]),
    ...['华为', '荣耀', '小米', '苹果', '三星', '联想', '戴尔', '惠普', '海尔', '美的', '格力', '海信', '索尼', '一加', '华硕', '西门子', '松下', '卡萨帝', '小天鹅', '方太', '老板'],
    ...DEMO_CATALOGUE.flatMap((model) => [model.brand, model.model]),
    ...GRADES_AND_WORDS,
    ...enumValues(),
  ]),
];
