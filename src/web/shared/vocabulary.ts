/**
 * Names of the standard's codes in both languages. The maps are typed by the code unions the server uses
 * (documents generated from schema/, the policy vocabulary), so `tsc -p src/web` fails when a code is added
 * without a name here.
 */
import type { ConsentState } from '../../consent/consent-states.ts';
import type { Category, Channel, Disposition, FaultCode, Grade } from '../../documents/documents.generated.ts';
import type { PartyRole } from '../../parties/parties.table.ts';
import type { PolicyDimension, PolicyMeasure } from '../../policy/policy-vocabulary.ts';
import type { Lang, Localized } from './lang.ts';

export const CATEGORY_NAMES: Readonly<Record<Category, Localized>> = {
  refrigerator: { zh: '冰箱', en: 'Refrigerator' },
  washing_machine: { zh: '洗衣机', en: 'Washing machine' },
  television: { zh: '电视', en: 'Television' },
  air_conditioner: { zh: '空调', en: 'Air conditioner' },
  computer: { zh: '电脑', en: 'Computer' },
  water_heater: { zh: '热水器', en: 'Water heater' },
  household_stove: { zh: '家用灶具', en: 'Household stove' },
  range_hood: { zh: '吸油烟机', en: 'Range hood' },
  water_purifier: { zh: '净水器', en: 'Water purifier' },
  dishwasher: { zh: '洗碗机', en: 'Dishwasher' },
  rice_cooker: { zh: '电饭煲', en: 'Rice cooker' },
  microwave_oven: { zh: '微波炉', en: 'Microwave oven' },
  mobile_phone: { zh: '手机', en: 'Mobile phone' },
  tablet: { zh: '平板', en: 'Tablet' },
  smartwatch_band: { zh: '智能手表手环', en: 'Smartwatch or band' },
  smart_glasses: { zh: '智能眼镜', en: 'Smart glasses' },
  passenger_car: { zh: '乘用车', en: 'Passenger car' },
  electric_bicycle: { zh: '电动自行车', en: 'Electric bicycle' },
};

export const CHANNEL_NAMES: Readonly<Record<Channel, Localized>> = {
  online: { zh: '线上', en: 'Online' },
  in_store: { zh: '门店', en: 'In store' },
  door_to_door: { zh: '上门回收', en: 'Door-to-door pick-up' },
};

export const GRADE_NAMES: Readonly<Record<Grade, Localized>> = {
  A: { zh: 'A 近新', en: 'A like new' },
  B: { zh: 'B 轻微使用痕迹', en: 'B light wear' },
  C: { zh: 'C 明显使用痕迹', en: 'C visible wear' },
  D: { zh: 'D 严重磨损或玻璃破裂', en: 'D heavy wear or cracked glass' },
  E: { zh: 'E 无法正常使用', en: 'E not working' },
  X: { zh: 'X 仅可拆件或报废', en: 'X parts or scrap only' },
};

export const DISPOSITION_NAMES: Readonly<Record<Disposition, Localized>> = {
  resold_as_is: { zh: '直接转售', en: 'Resold as is' },
  refurbished: { zh: '翻新后销售', en: 'Refurbished' },
  parts_harvested: { zh: '拆件再利用', en: 'Parts harvested' },
  dismantled_recycled: { zh: '拆解资源化', en: 'Dismantled and recycled' },
  pending: { zh: '待处置', en: 'Pending' },
};

export const FAULT_NAMES: Readonly<Record<FaultCode, Localized>> = {
  screen_scratch_minor: { zh: '屏幕轻微划痕', en: 'Minor screen scratches' },
  screen_scratch_deep: { zh: '屏幕明显划痕', en: 'Deep screen scratches' },
  glass_chipped: { zh: '玻璃缺角', en: 'Chipped glass' },
  glass_cracked: { zh: '玻璃碎裂', en: 'Cracked glass' },
  display_dead_pixel: { zh: '屏幕坏点', en: 'Dead pixels' },
  display_shadow_burnin: { zh: '屏幕残影烧屏', en: 'Screen burn-in' },
  display_lines: { zh: '屏幕线条', en: 'Lines on screen' },
  touch_fault: { zh: '触摸故障', en: 'Touch fault' },
  housing_scratch: { zh: '外壳划痕', en: 'Housing scratches' },
  housing_dent: { zh: '外壳磕碰', en: 'Housing dents' },
  frame_bent: { zh: '中框弯曲', en: 'Bent frame' },
  no_power: { zh: '无法开机', en: 'No power' },
  boot_loop: { zh: '反复重启', en: 'Boot loop' },
  battery_swollen: { zh: '电池鼓包', en: 'Swollen battery' },
  battery_non_original: { zh: '非原装电池', en: 'Non-original battery' },
  camera_rear_fault: { zh: '后摄像头故障', en: 'Rear camera fault' },
  camera_front_fault: { zh: '前摄像头故障', en: 'Front camera fault' },
  camera_lens_cracked: { zh: '镜头碎裂', en: 'Cracked camera lens' },
  speaker_fault: { zh: '扬声器故障', en: 'Speaker fault' },
  earpiece_fault: { zh: '听筒故障', en: 'Earpiece fault' },
  mic_fault: { zh: '麦克风故障', en: 'Microphone fault' },
  call_fault: { zh: '通话故障', en: 'Call fault' },
  signal_weak: { zh: '信号弱', en: 'Weak signal' },
  wifi_fault: { zh: 'Wi-Fi 故障', en: 'Wi-Fi fault' },
  bt_fault: { zh: '蓝牙故障', en: 'Bluetooth fault' },
  gps_fault: { zh: '定位故障', en: 'GPS fault' },
  nfc_fault: { zh: 'NFC 故障', en: 'NFC fault' },
  biometric_fault: { zh: '指纹或面容故障', en: 'Fingerprint or face ID fault' },
  button_power: { zh: '电源键故障', en: 'Power button fault' },
  button_volume: { zh: '音量键故障', en: 'Volume button fault' },
  button_home: { zh: 'Home 键故障', en: 'Home button fault' },
  charge_port_fault: { zh: '充电口故障', en: 'Charging port fault' },
  vibration_fault: { zh: '振动故障', en: 'Vibration fault' },
  sensor_fault: { zh: '传感器故障', en: 'Sensor fault' },
  water_damage_ldi_tripped: { zh: '进水', en: 'Water damage' },
  rooted_jailbroken: { zh: '已越狱或 root', en: 'Rooted or jailbroken' },
  storage_fault: { zh: '存储故障', en: 'Storage fault' },
  no_cooling: { zh: '不制冷', en: 'No cooling' },
  compressor_fault: { zh: '压缩机故障', en: 'Compressor fault' },
  refrigerant_leak: { zh: '制冷剂泄漏', en: 'Refrigerant leak' },
  motor_drum_fault: { zh: '电机或滚筒故障', en: 'Motor or drum fault' },
  water_leak: { zh: '漏水', en: 'Water leak' },
  electrical_leak: { zh: '漏电', en: 'Electrical leak' },
  control_board_fault: { zh: '控制板故障', en: 'Control board fault' },
  panel_display_fault: { zh: '面板显示故障', en: 'Panel display fault' },
  heating_fault: { zh: '不加热', en: 'Heating fault' },
  ignition_fault: { zh: '点火故障', en: 'Ignition fault' },
  noise_vibration: { zh: '噪音或振动大', en: 'Noise or vibration' },
  door_seal_damaged: { zh: '门封损坏', en: 'Damaged door seal' },
  rust_corrosion: { zh: '锈蚀', en: 'Rust or corrosion' },
  remote_missing: { zh: '遥控器缺失', en: 'Remote missing' },
};

export const DIMENSION_NAMES: Readonly<Record<PolicyDimension, Localized>> = {
  category: { zh: '品类', en: 'category' },
  brand: { zh: '品牌', en: 'brand' },
  model: { zh: '型号', en: 'model' },
  province: { zh: '省份', en: 'province' },
  prefecture: { zh: '地级市', en: 'prefecture' },
  tradeInMonth: { zh: '以旧换新月份', en: 'trade-in month' },
  channel: { zh: '回收渠道', en: 'trade-in channel' },
  grade: { zh: '成色等级', en: 'condition grade' },
  disposition: { zh: '处置去向', en: 'what became of the device' },
  ageBand: { zh: '机龄段', en: 'age band' },
  usageBand: { zh: '使用时长段', en: 'usage band' },
  newPurchaseCategory: { zh: '新购品类', en: 'category of the new purchase' },
};

export const MEASURE_NAMES: Readonly<Record<PolicyMeasure, Localized>> = {
  count: { zh: '台数', en: 'device count' },
  share: { zh: '占比', en: 'share' },
  usageMonthsAvg: { zh: '平均使用月数', en: 'average months in use' },
  usageMonthsP50: { zh: '使用月数中位数', en: 'median months in use' },
  usageMonthsP90: { zh: '使用月数 90 分位', en: '90th percentile of months in use' },
  batteryHealthPctAvg: { zh: '平均电池健康度', en: 'average battery health' },
  faultRate: { zh: '各类故障率', en: 'fault rates' },
  gradeDistribution: { zh: '成色分布', en: 'grade distribution' },
  valuationP50: { zh: '估价中位数', en: 'median valuation' },
  residualRatioP50: { zh: '残值率中位数', en: 'median residual value ratio' },
  dispositionShares: { zh: '处置去向占比', en: 'disposition shares' },
  co2eAvoidedKg: { zh: '减排量（kg CO2e）', en: 'CO2e avoided (kg)' },
  recoveryFunnel: { zh: '回收漏斗（换入 → 检测 → 处置）', en: 'recovery funnel (traded in → inspected → disposed)' },
};

export const ROLE_NAMES: Readonly<Record<PartyRole, Localized>> = {
  platform: { zh: '电商或以旧换新平台', en: 'e-commerce and trade-in platforms' },
  brand: { zh: '品牌厂商', en: 'brands (manufacturers)' },
  recycler: { zh: '回收商', en: 'recyclers' },
  regulator: { zh: '监管部门', en: 'regulators' },
  operator: { zh: '中心运营方', en: 'the hub operator' },
  notary: { zh: '数据清除公证方', en: 'wipe notaries' },
};

export const CONSENT_STATE_NAMES: Readonly<Record<ConsentState, Localized>> = {
  never_asked: { zh: '尚未选择', en: 'Not decided' },
  granted: { zh: '已同意', en: 'Granted' },
  refused: { zh: '已拒绝', en: 'Refused' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
  expired: { zh: '已过期', en: 'Expired' },
};

/** Age since launch and months in use, as the insights dimensions band them (src/insights/insight-dimensions.ts). */
export const AGE_BANDS: readonly { code: string; name: Localized }[] = [
  { code: '0-1y', name: { zh: '0–1 年', en: '0–1 yr' } },
  { code: '1-2y', name: { zh: '1–2 年', en: '1–2 yr' } },
  { code: '2-3y', name: { zh: '2–3 年', en: '2–3 yr' } },
  { code: '3-5y', name: { zh: '3–5 年', en: '3–5 yr' } },
  { code: '5y+', name: { zh: '5 年以上', en: '5 yr +' } },
];

export const USAGE_BANDS: readonly { code: string; name: Localized }[] = [
  { code: '0-12m', name: { zh: '0–12 个月', en: '0–12 months' } },
  { code: '12-24m', name: { zh: '12–24 个月', en: '12–24 months' } },
  { code: '24-36m', name: { zh: '24–36 个月', en: '24–36 months' } },
  { code: '36-60m', name: { zh: '36–60 个月', en: '36–60 months' } },
  { code: '60m+', name: { zh: '60 个月以上', en: '60 months +' } },
];

/** Provinces by the first two digits of their GB/T 2260 code. */
export const PROVINCE_NAMES: Readonly<Record<string, Localized>> = {
  '11': { zh: '北京市', en: 'Beijing' },
  '12': { zh: '天津市', en: 'Tianjin' },
  '13': { zh: '河北省', en: 'Hebei' },
  '14': { zh: '山西省', en: 'Shanxi' },
  '15': { zh: '内蒙古自治区', en: 'Inner Mongolia' },
  '21': { zh: '辽宁省', en: 'Liaoning' },
  '22': { zh: '吉林省', en: 'Jilin' },
  '23': { zh: '黑龙江省', en: 'Heilongjiang' },
  '31': { zh: '上海市', en: 'Shanghai' },
  '32': { zh: '江苏省', en: 'Jiangsu' },
  '33': { zh: '浙江省', en: 'Zhejiang' },
  '34': { zh: '安徽省', en: 'Anhui' },
  '35': { zh: '福建省', en: 'Fujian' },
  '36': { zh: '江西省', en: 'Jiangxi' },
  '37': { zh: '山东省', en: 'Shandong' },
  '41': { zh: '河南省', en: 'Henan' },
  '42': { zh: '湖北省', en: 'Hubei' },
  '43': { zh: '湖南省', en: 'Hunan' },
  '44': { zh: '广东省', en: 'Guangdong' },
  '45': { zh: '广西壮族自治区', en: 'Guangxi' },
  '46': { zh: '海南省', en: 'Hainan' },
  '50': { zh: '重庆市', en: 'Chongqing' },
  '51': { zh: '四川省', en: 'Sichuan' },
  '52': { zh: '贵州省', en: 'Guizhou' },
  '53': { zh: '云南省', en: 'Yunnan' },
  '54': { zh: '西藏自治区', en: 'Tibet' },
  '61': { zh: '陕西省', en: 'Shaanxi' },
  '62': { zh: '甘肃省', en: 'Gansu' },
  '63': { zh: '青海省', en: 'Qinghai' },
  '64': { zh: '宁夏回族自治区', en: 'Ningxia' },
  '65': { zh: '新疆维吾尔自治区', en: 'Xinjiang' },
  '71': { zh: '台湾省', en: 'Taiwan' },
  '81': { zh: '香港特别行政区', en: 'Hong Kong' },
  '82': { zh: '澳门特别行政区', en: 'Macao' },
};

/** A region code as words: the province's name, and "prefecture NNNNNN" below it. */
export function regionName(code: string | null, lang: Lang): string {
  if (code === null) return lang === 'zh' ? '未提供' : 'not given';
  const province = PROVINCE_NAMES[code.slice(0, 2)]?.[lang] ?? code;
  if (code.endsWith('0000')) return province;
  return lang === 'zh' ? `${province}（地级市代码 ${code}）` : `${province} (prefecture ${code})`;
}

/** The name of a code in a map, or the code itself for one the map does not know (newer data). */
export function nameOf(names: Readonly<Record<string, Localized>>, code: string | null | undefined, lang: Lang): string {
  if (code === null || code === undefined) return lang === 'zh' ? '未知' : 'unknown';
  return names[code]?.[lang] ?? code;
}
