import { writeFileSync } from 'node:fs';
import { defineCommand } from '../command.ts';
import { withStore } from '../store-flag.ts';
import { badInput } from '../../data/errors.ts';
import { feedbackLoads, setLoadLanguage } from '../../data/loads.ts';
import { checkLanguageSetting, type LanguageSetting } from '../../data/text-language.ts';
import {
  SentimentSet,
  detectLanguage,
  evaluateSentiment,
  loadSentimentModel,
  readLabelledTexts,
  scoreFeedbackTable,
  trainSentimentModel,
  type Evaluation,
  type Language,
} from '../../models/sentiment/index.ts';

const usage = `
tierlab sentiment score --text TEXT [--language auto|en|pt|zh] [--model FILE]
tierlab sentiment eval  --file CSV --text-col C --label-col L --positive VALUE [--language L] [--model FILE] [--json]
tierlab sentiment train --file CSV --text-col C --label-col L --positive VALUE --out FILE [--language L]
tierlab sentiment feedback [--db PATH] [--language L] [--model FILE]
tierlab sentiment language [--db PATH] [--load ID --language L]

score     prints {score, label, probability, lexicon, tokens, truncated, language} as JSON; score is in [-1, 1].
eval      accuracy, balanced accuracy, ROC-AUC of the raw score, confusion matrix and texts/s on a labelled CSV.
train     fits a model on a labelled CSV (rows whose label equals --positive are positive) and writes it as JSON.
feedback  scores the feedback table into feedback_scores(customer_id, timestamp, score, label, language).
language  lists the feedback data sets with their language setting, or sets one (scored so from the next training).
--language auto (the default) tells a text's language by its script (Han characters: zh; else en); eval and
train use the language of most of the file's texts. feedback: without --language, each data set's own setting.
Without --model, the shipped model of the language is used.`;

function requireFlags<T extends Record<string, unknown>>(values: T, names: (keyof T & string)[]): void {
  for (const name of names) if (values[name] === undefined) throw badInput(`--${name} is required`, { field: name });
}

/** The language of most of `texts`, for a file-wide choice under `auto`. */
function fileLanguage(texts: string[], setting: LanguageSetting): Language {
  if (setting !== 'auto') return setting;
  const counts = new Map<Language, number>();
  for (const language of texts.map((text) => detectLanguage(text))) counts.set(language, (counts.get(language) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

function printEvaluation(report: Evaluation, language: Language): void {
  const c = report.confusion;
  const pct = (x: number) => x.toFixed(4);
  console.log(
    [
      `language           ${language}`,
      `rows               ${report.rows} (${report.positives} positive)`,
      `accuracy           ${pct(report.accuracy)}   (positive when score >= ${report.threshold})`,
      `balanced accuracy  ${pct(report.balancedAccuracy)}`,
      `ROC-AUC            ${pct(report.rocAuc)}`,
      `confusion          predicted+  predicted-`,
      `  actual+          ${String(c.truePositive).padStart(10)}  ${String(c.falseNegative).padStart(10)}`,
      `  actual-          ${String(c.falsePositive).padStart(10)}  ${String(c.trueNegative).padStart(10)}`,
      `labels (actual+)   ${JSON.stringify(report.labelCounts.positive)}`,
      `labels (actual-)   ${JSON.stringify(report.labelCounts.other)}`,
      `throughput         ${Math.round(report.textsPerSecond)} texts/s (${Math.round(report.textsPerCpuSecond)} per CPU second)`,
    ].join('\n'),
  );
}

export default defineCommand({
  summary: 'Score feedback sentiment; evaluate or train the sentiment model on a labelled CSV',
  usage,
  positionals: true,
  options: {
    text: { type: 'string' },
    language: { type: 'string' },
    model: { type: 'string' },
    file: { type: 'string' },
    'text-col': { type: 'string' },
    'label-col': { type: 'string' },
    positive: { type: 'string' },
    out: { type: 'string' },
    db: { type: 'string' },
    load: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    const [action, ...extra] = positionals;
    if (extra.length) throw badInput(`unexpected argument ${extra[0]}`);
    const setting = checkLanguageSetting(values.language ?? 'auto');
    const shipped = SentimentSet.shipped();
    const model = (language: Language) => (values.model ? loadSentimentModel(values.model) : shipped.model(language));
    const labelled = () => {
      requireFlags(values, ['file', 'text-col', 'label-col', 'positive']);
      return readLabelledTexts({ file: values.file!, textCol: values['text-col']!, labelCol: values['label-col']!, positive: values.positive! });
    };

    switch (action) {
      case 'score': {
        requireFlags(values, ['text']);
        const scorer = model(shipped.languageOf(values.text!, setting));
        console.log(JSON.stringify({ ...scorer.score(values.text), language: scorer.language }));
        return;
      }
      case 'eval': {
        const { texts, labels } = await labelled();
        const scorer = model(fileLanguage(texts, setting));
        const report = evaluateSentiment({ scorer, texts, labels, passes: 3 });
        if (values.json) console.log(JSON.stringify({ language: scorer.language, ...report }));
        else printEvaluation(report, scorer.language);
        return;
      }
      case 'train': {
        requireFlags(values, ['out']);
        const { texts, labels } = await labelled();
        process.stderr.write(`training on ${texts.length} texts...\n`);
        const source = { file: values.file!.split('/').pop(), textCol: values['text-col'], labelCol: values['label-col'], positive: values.positive };
        const trained = trainSentimentModel({ texts, labels, language: fileLanguage(texts, setting), source });
        const json = JSON.stringify(trained.toJSON());
        writeFileSync(values.out!, `${json}\n`);
        console.log(JSON.stringify({ out: values.out, bytes: json.length + 1, thresholds: trained.thresholds, training: trained.training }));
        return;
      }
      case 'feedback': {
        const model = values.model ? loadSentimentModel(values.model) : undefined;
        const scored = await withStore(values.db, (store) =>
          scoreFeedbackTable({ store, models: shipped, model, language: values.language === undefined ? undefined : setting }),
        );
        console.log(JSON.stringify({ table: 'feedback_scores', ...scored }));
        return;
      }
      case 'language': {
        if (values.load === undefined) {
          console.log(JSON.stringify(await withStore(values.db, feedbackLoads, 'read')));
          return;
        }
        requireFlags(values, ['language']);
        const loadId = Number(values.load);
        if (!Number.isInteger(loadId)) throw badInput(`--load must be a load id (a whole number), got "${values.load}"`, { field: 'load' });
        console.log(JSON.stringify(await withStore(values.db, (store) => setLoadLanguage(store, { loadId, language: setting }))));
        return;
      }
      default:
        throw badInput(`unknown action "${action ?? ''}": use score, eval, train, feedback or language\n${usage.trim()}`);
    }
  },
});
