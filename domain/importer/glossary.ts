/**
 * Ids and English names for the words every unit's plan in the provincial
 * template uses. A word not listed here is not guessed: the draft gets a
 * placeholder and a TODO.
 */

export interface Gloss {
  id: string;
  en: string;
}

/** 科室 seen in the province's S&T bureaus. */
export const OFFICES: Record<string, Gloss> = {
  高新办: { id: 'hi-tech-office', en: 'High-Tech Office' },
  农社科: { id: 'rural-social', en: 'Rural & Social S&T Section' },
  计划科: { id: 'planning', en: 'Planning Section' },
  成果科: { id: 'achievements', en: 'Achievements Section' },
  办公室: { id: 'general-office', en: 'General Office' },
  政策法规科: { id: 'policy-regulation', en: 'Policy & Regulation Section' },
  知识产权科: { id: 'intellectual-property', en: 'Intellectual Property Section' },
  合作交流科: { id: 'cooperation', en: 'Cooperation & Exchange Section' },
  科普科: { id: 'popularisation', en: 'Science Popularisation Section' },
  监察室: { id: 'supervision-office', en: 'Supervision Office' },
};

export const CATEGORIES: Record<string, Gloss> = {
  工作业绩: { id: 'work-results', en: 'Work results' },
  科技投入与保障: { id: 'investment', en: 'S&T investment and guarantees' },
};

export const INDICATORS: Record<string, Gloss> = {
  高新技术产业发展: { id: 'hi-tech-industry', en: 'High-tech industry development' },
  科技支撑农业与民生建设: { id: 'agri-livelihood', en: 'S&T support for agriculture and livelihoods' },
  创新能力建设: { id: 'innovation-capacity', en: 'Innovation capacity building' },
  产学研协同创新: { id: 'iur-collaboration', en: 'Industry-university-research collaboration' },
  创新创优: { id: 'innovation-excellence', en: 'Innovation excellence' },
  市州本级财政科技支出: { id: 'municipal-fiscal', en: 'Municipal fiscal S&T spending' },
  '县(市、区)财政科技支出': { id: 'county-fiscal', en: 'County and district fiscal S&T spending' },
  '全社会研发投入(R&D)': { id: 'rnd-investment', en: 'Society-wide R&D investment' },
  争取中央财政科技项目经费: { id: 'central-funds', en: 'Central-government S&T project funds won' },
  知识产权工作: { id: 'intellectual-property-work', en: 'Intellectual property work' },
  科学技术普及: { id: 'science-popularisation', en: 'Science popularisation' },
};

/** Hunan's prefecture-level cities (市州), for the unit's id and English name. */
export const CITIES: Record<string, Gloss> = {
  长沙: { id: 'changsha', en: 'Changsha' },
  株洲: { id: 'zhuzhou', en: 'Zhuzhou' },
  湘潭: { id: 'xiangtan', en: 'Xiangtan' },
  衡阳: { id: 'hengyang', en: 'Hengyang' },
  邵阳: { id: 'shaoyang', en: 'Shaoyang' },
  岳阳: { id: 'yueyang', en: 'Yueyang' },
  常德: { id: 'changde', en: 'Changde' },
  张家界: { id: 'zhangjiajie', en: 'Zhangjiajie' },
  益阳: { id: 'yiyang', en: 'Yiyang' },
  郴州: { id: 'chenzhou', en: 'Chenzhou' },
  永州: { id: 'yongzhou', en: 'Yongzhou' },
  怀化: { id: 'huaihua', en: 'Huaihua' },
  娄底: { id: 'loudi', en: 'Loudi' },
  湘西: { id: 'xiangxi', en: 'Xiangxi' },
};

export const BUREAUS: Record<string, Gloss> = {
  科技局: { id: 'st-bureau', en: 'Science & Technology Bureau' },
};

export const UNITS: Record<string, string> = {
  项: 'items', 个: 'items', 次: 'events', 家: 'organisations', 名: 'people', 人: 'people', 所: 'institutions', 篇: 'papers',
  件: 'cases', 场: 'sessions', 期: 'sessions', 批: 'batches', 台: 'machines', 套: 'sets', 座: 'sites', 条: 'entries', 户: 'households', 处: 'sites',
  万元: '10k yuan', 亿元: '100 million yuan', 千元: 'thousand yuan', 元: 'yuan',
};

/** "湖南省益阳市科技局" → the unit's name without the province, its id and English name where known. */
export function unitGloss(fullName: string): { zh: string; id?: string; en?: string } {
  const zh = fullName.replace(/^[\u4e00-\u9fff]{2,3}省/, '');
  const m = /^([\u4e00-\u9fff]{2,3}?)(?:市|州|土家族苗族自治州)(.+)$/.exec(zh);
  const city = m && CITIES[m[1]];
  const bureau = m && BUREAUS[m[2]];
  if (!city || !bureau) return { zh };
  return { zh, id: `${city.id}-${bureau.id}`, en: `${city.en} City ${bureau.en}` };
}
