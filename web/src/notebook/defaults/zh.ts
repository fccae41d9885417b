/**
 * The default notebooks' own words in Chinese (titles, text cells, input labels), by notebook and cell id: a
 * browser in 中文 creates the defaults in Chinese. SQL, views and params are the same in every language.
 */
export const DEFAULT_NOTEBOOKS_ZH: Record<string, { title: string; cells: Record<string, { source?: string; label?: string }> }> = {
  'clusters-vs-rfm-tiers': {
    title: '聚类与 RFM 分层',
    cells: {
      intro: {
        source: `# 聚类与 RFM 分层

**k-means 聚类**和基于规则的 **RFM 分群**讲的是同一个故事吗？这个笔记本从数据走到聚类，并比较两者。

- *聚类画像*显示每个聚类的突出特征（z 值）和它的典型客户。
- *聚类 × RFM* 表统计同时落在两者中的客户数；ARI 和 NMI 概括两者的一致程度（1 = 完全相同的划分）。
- 点击客户分布图上的一个点，即可查看该客户。

SQL 单元格可以读取汇总视图 \`customer_analytics\`，或者更快地直接读取它所连接的各阶段表（\`customer_features\`、\`customer_rfm\`、\`customer_clusters\`、\`customer_churn\`、\`customer_clv\`）。`,
      },
      'min-customers': { label: '显示的聚类 × 分群单元格最少客户数' },
    },
  },
  'retention-at-risk': {
    title: '客户挽留：高流失风险客户',
    cells: {
      intro: {
        source: `# 客户挽留：高流失风险客户

谁可能不再购买？涉及多少价值？这些评分可信吗？

1. *风险分布*显示流失概率在客户中的分布。
2. *校准*检验预测的 30% 是否意味着大约 30% 的实际流失；*提升度*显示排名靠前的十分位比随机好多少。
3. 拖动**阈值**只会重新运行用到它的单元格，然后可以把流失风险名单下载为 CSV，用于营销活动。`,
      },
      threshold: { label: '流失概率至少为' },
    },
  },
  'tiers-to-action': {
    title: '从分层到行动：预警、流转、营销活动',
    cells: {
      intro: {
        source: `# 从分层到行动

今天该联系谁，自上次训练以来客户在各分层之间如何流转，以及上一次营销活动是否奏效。

- *预警*列出跌出 VIP 或重点客户、或进入高风险的客户，并附上**运营策略**给出的下一步最佳行动。
- *分层流转*统计两个训练版本之间的变动（可以换一个分层或日期）。
- *营销活动效果*比较实验组与对照组（在**营销活动**页面创建活动）。`,
      },
    },
  },
};
