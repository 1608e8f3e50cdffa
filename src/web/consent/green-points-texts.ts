import type { Lang } from '../shared/lang.ts';

const zh = {
  heading: '我的绿色积分',
  intro: (pointsPerKg: number) =>
    `您的旧设备由持证的正规回收或拆解企业完成处置后，中心按国家公布的碳排放因子计算它减少的二氧化碳当量，每减少 1 千克得 ${pointsPerKg} 分。积分记在您自己的积分账户里，不是现金，由您的平台按月发放和使用。`,
  loading: '正在读取绿色积分…',
  unavailable: '绿色积分暂时无法显示。',
  totalPoints: '积分合计',
  totalCo2e: '累计减少碳排放',
  points: (n: number) => `${n.toLocaleString('zh-CN')} 分`,
  kg: (kg: string) => `${kg} 千克二氧化碳当量`,
  devicesHeading: '每台设备',
  device: '设备',
  disposition: '处置去向',
  co2e: '减少碳排放（千克）',
  devicePoints: '积分',
  pending: '待核实',
  pendingNote: '“待核实”表示设备还没有由名录中持证的企业完成处置，完成后自动计入。',
  noDevices: '目前没有与您关联的设备。',
  monthsHeading: '按月',
  month: '月份',
  monthPoints: '本月积分',
  monthCo2e: '本月减少碳排放（千克）',
  noMonths: '还没有积分。',
  correction: '更正会以冲销记录计入发生的月份，已结束月份的记录不会改动。',
};

export type GreenPointsTexts = typeof zh;

const en: GreenPointsTexts = {
  heading: 'My green points',
  intro: (pointsPerKg: number) =>
    `Once a licensed recycler or dismantler has dealt with your old device, the hub works out the CO2e it avoided with its published carbon factors, and you earn ${pointsPerKg} points per kg. The points are kept in your own points account; they are not money, and your platform credits them month by month.`,
  loading: 'Reading your green points…',
  unavailable: 'Green points cannot be shown right now.',
  totalPoints: 'Total points',
  totalCo2e: 'CO2e avoided so far',
  points: (n: number) => `${n.toLocaleString('en-GB')} points`,
  kg: (kg: string) => `${kg} kg CO2e`,
  devicesHeading: 'Per device',
  device: 'Device',
  disposition: 'What became of it',
  co2e: 'CO2e avoided (kg)',
  devicePoints: 'Points',
  pending: 'awaiting verification',
  pendingNote: '“Awaiting verification” means no licensed firm in the registry has recorded what became of the device yet; it counts as soon as one does.',
  noDevices: 'No device records are linked to you yet.',
  monthsHeading: 'Per month',
  month: 'Month',
  monthPoints: 'Points',
  monthCo2e: 'CO2e avoided (kg)',
  noMonths: 'No points yet.',
  correction: 'A correction is posted as a reversal in the month it happens; a month that has ended never changes.',
};

export const GREEN_POINTS_TEXTS: Readonly<Record<Lang, GreenPointsTexts>> = { zh, en };
