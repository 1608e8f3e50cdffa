/**
 * Real model names as brands list them (phones, tablets, laptops, watches, appliances; 20+ brands), with
 * the brand each belongs to. Catalogue entries like these must pass the model-name grammar and the
 * detectors; a gate that refuses one of them refuses a real catalogue.
 */
export const REAL_MODEL_NAMES: readonly { brand: string; model: string }[] = [
  // Apple
  { brand: 'Apple', model: 'iPhone 11 64GB' }, { brand: 'Apple', model: 'iPhone 13 128GB' }, { brand: 'Apple', model: 'iPhone 14 Pro Max 256GB' },
  { brand: 'Apple', model: 'iPhone 15 Pro 1TB' }, { brand: 'Apple', model: 'iPhone SE (3rd generation)' }, { brand: 'Apple', model: 'iPad Air 5 64GB' },
  { brand: 'Apple', model: 'iPad Pro 12.9 (6th generation)' }, { brand: 'Apple', model: 'MacBook Air M1 256GB' }, { brand: 'Apple', model: 'MacBook Pro 14 M3 Pro' },
  { brand: 'Apple', model: 'Watch Series 7 45mm' }, { brand: 'Apple', model: 'Apple Watch Ultra 2 49mm' }, { brand: 'Apple', model: 'iPhone 15 128GB 黑色' },
  // Huawei
  { brand: '华为', model: 'Mate 60 Pro 512GB' }, { brand: '华为', model: 'Mate 40 Pro 256GB' }, { brand: '华为', model: 'P50 Pro 256GB' },
  { brand: '华为', model: 'nova 9 128GB' }, { brand: '华为', model: 'Pura 70 Ultra' }, { brand: '华为', model: 'Mate X5 典藏版 16+512' },
  { brand: '华为', model: 'MatePad 11.5S 柔光版 8+256' }, { brand: '华为', model: 'MatePad Pro 13.2' }, { brand: '华为', model: 'MateBook 14 2021' },
  { brand: '华为', model: 'MateBook X Pro 2023' }, { brand: '华为', model: 'WATCH GT 4 41mm 玫瑰金女士款' }, { brand: '华为', model: 'WATCH 4 Pro' },
  { brand: '华为', model: 'Band 8' }, { brand: '华为', model: 'Mate 60 RS 非凡大师' },
  // Honor
  { brand: '荣耀', model: 'Magic5 Pro 512GB' }, { brand: '荣耀', model: 'Magic6 Pro' }, { brand: '荣耀', model: '荣耀 90 GT' },
  { brand: '荣耀', model: 'X50 12+256' }, { brand: '荣耀', model: 'MagicBook 14 2023' }, { brand: '荣耀', model: 'MagicPad 13' },
  // Xiaomi / Redmi
  { brand: '小米', model: 'Xiaomi 13 256GB' }, { brand: '小米', model: 'Xiaomi 14 Ultra 16+1T' }, { brand: '小米', model: 'Xiaomi 12S Ultra' },
  { brand: '小米', model: 'Xiaomi Pad 6 Pro' }, { brand: '小米', model: 'Xiaomi Watch S3' }, { brand: '小米', model: 'L65M7-EA' },
  { brand: '小米', model: 'BCD-540WMSA' }, { brand: '小米', model: 'MJ-XQG100MU' }, { brand: '红米', model: 'Redmi K60 256GB' },
  { brand: '红米', model: 'Redmi Note 12 Turbo' }, { brand: '红米', model: 'Redmi K70 Pro 24+1T' }, { brand: '红米', model: 'RedmiBook Pro 15 2023' },
  // OPPO, vivo, iQOO, OnePlus, realme
  { brand: 'OPPO', model: 'Find X6 Pro 256GB' }, { brand: 'OPPO', model: 'Reno9 256GB' }, { brand: 'OPPO', model: 'Find N3 Flip' },
  { brand: 'OPPO', model: 'OPPO Pad 2' }, { brand: 'OPPO', model: 'OPPO Watch 4 Pro' }, { brand: 'vivo', model: 'X90 256GB' },
  { brand: 'vivo', model: 'X100 Pro 16+512' }, { brand: 'vivo', model: 'X Fold3 Pro' }, { brand: 'vivo', model: 'vivo Pad3 Pro' },
  { brand: 'vivo', model: 'iQOO 11 256GB' }, { brand: 'iQOO', model: 'iQOO Neo9 Pro' }, { brand: 'iQOO', model: 'iQOO Z8x' },
  { brand: '一加', model: 'OnePlus 12 16+512' }, { brand: '一加', model: 'OnePlus Ace 3' }, { brand: '一加', model: 'OnePlus 8T' },
  { brand: '真我', model: 'realme GT5 Pro' }, { brand: '真我', model: 'realme 12 Pro+' },
  // Samsung
  { brand: '三星', model: 'Galaxy S24 Ultra 12+256' }, { brand: '三星', model: 'Galaxy Z Fold5' }, { brand: '三星', model: 'Galaxy Tab S9 FE' },
  { brand: '三星', model: 'Galaxy Watch6 Classic 47mm' }, { brand: '三星', model: 'QA65QX3CAJXXZ' },
  // Laptops
  { brand: '联想', model: 'ThinkPad X1 Carbon Gen 9' }, { brand: '联想', model: 'ThinkPad T14s Gen 4' }, { brand: '联想', model: '拯救者 Y9000P 2023' },
  { brand: '联想', model: 'YOGA Pro 14s' }, { brand: '联想', model: '小新 Pro 16 2023' }, { brand: '戴尔', model: 'XPS 13 9315' },
  { brand: '戴尔', model: 'Latitude 5440' }, { brand: '戴尔', model: 'Inspiron 14 Plus 7430' }, { brand: '惠普', model: 'EliteBook 840 G10' },
  { brand: '惠普', model: '战66 六代' }, { brand: '惠普', model: 'Spectre x360 14' }, { brand: '华硕', model: 'ROG 幻16 2023' },
  { brand: '华硕', model: 'ZenBook 14 OLED UX3405' }, { brand: '宏碁', model: '掠夺者 擎Neo' }, { brand: '宏碁', model: 'Swift Go 14' },
  { brand: '微软', model: 'Surface Pro 9' }, { brand: '微软', model: 'Surface Laptop 5 13.5' },
  // Watches
  { brand: '佳明', model: 'Forerunner 965' }, { brand: '佳明', model: 'fenix 7 Pro' }, { brand: 'Amazfit', model: 'GTR 4' },
  { brand: 'Amazfit', model: 'Balance' },
  // Appliances
  { brand: '海尔', model: 'BCD-470WDPG' }, { brand: '海尔', model: 'EC6001-MC3' }, { brand: '海尔', model: 'EG100MATE2S' },
  { brand: '海尔', model: 'KFR-35GW/B1KGA81U1' }, { brand: '美的', model: 'BCD-516WKPZM' },
  { brand: '美的', model: 'KFR-35GW/N8MJA3' }, { brand: '美的', model: 'MG100V33WY' }, { brand: '格力', model: 'KFR-35GW/NhGc1B' },
  { brand: '格力', model: 'KFR-72LW/NhIaB1W' }, { brand: '海信', model: '65E3H' }, { brand: '海信', model: '75E7K' },
  { brand: 'TCL', model: '65V8E' }, { brand: 'TCL', model: '85Q10G Pro' }, { brand: '创维', model: '65A33' },
  { brand: '西门子', model: 'KA92NV02TI' }, { brand: '西门子', model: 'WM12P2602W' }, { brand: '博世', model: 'WGA254X00W' },
  { brand: '松下', model: 'NR-EW45TGA-W' }, { brand: '方太', model: 'CXW-258-JQ19TS' }, { brand: '方太', model: 'JPSD2T-Z1' },
  { brand: '老板', model: 'CXW-260-27A7' }, { brand: '小天鹅', model: 'TG100V88WMUIADY5' }, { brand: '小天鹅', model: 'TD100VT86WMADT' },
  { brand: '苏泊尔', model: 'SF40HC743' }, { brand: '九阳', model: 'Y-1 (K1S)' }, { brand: '戴森', model: 'V12 Detect Slim' },
  { brand: '戴森', model: 'HD15' }, { brand: '索尼', model: 'XR-65X95L' }, { brand: '索尼', model: 'Xperia 1 V' },
];
