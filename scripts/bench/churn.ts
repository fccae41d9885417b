import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sharedDataDir } from '../../data/paths.ts';
import { initBackend } from '../../models/churn/backend.ts';
import { rocAuc } from '../../models/churn/metrics.ts';
import { subset, train, type Dataset } from '../../models/churn/model.ts';
import { crossValidate } from '../../models/churn/pipeline.ts';
import { stratifiedFolds, stratifiedSplit } from '../../models/churn/random.ts';
import { readTelco } from '../../models/churn/telco.ts';
import { progress, timeMs, type BenchResult } from './result.ts';
import { runSklearn } from './_sklearn.ts';

/** The fixed split and folds of the telecom table: stratified, this seed, 80/20 and 5 folds. */
const SEED = 42;
const FOLDS = 5;
const TRAIN_MS_GOAL = 5000;

// scikit-learn on the very same rows: our split and fold assignment come in a JSON file. Logistic regression gets
// one-hot + median imputation + scaling; gradient boosting gets ordinal-coded categoricals marked categorical.
const SKLEARN_SCRIPT = String.raw`
import sys, json, csv, time
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.preprocessing import OneHotEncoder, StandardScaler, OrdinalEncoder
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
path, split_path = sys.argv[1], sys.argv[2]
with open(path) as f:
    rows = list(csv.DictReader(f))
y = np.array([r.pop('churn') == 'Yes' for r in rows], dtype=int)
cols = list(rows[0].keys())
def numeric(c):
    try:
        [float(r[c]) for r in rows if r[c] != 'NA']
        return True
    except ValueError:
        return False
num = [c for c in cols if numeric(c)]
cat = [c for c in cols if c not in num]
Xn = np.array([[float(r[c]) if r[c] != 'NA' else np.nan for c in num] for r in rows])
Xc = np.array([[r[c] for c in cat] for r in rows], dtype=object)
X_lr = np.concatenate([Xc, Xn.astype(object)], axis=1)
ic, inum = list(range(len(cat))), list(range(len(cat), len(cols)))
X_hgb = np.concatenate([OrdinalEncoder().fit_transform(Xc), Xn], axis=1)
def logistic():
    pre = ColumnTransformer([('c', OneHotEncoder(handle_unknown='ignore'), ic),
                             ('n', make_pipeline(SimpleImputer(strategy='median'), StandardScaler()), inum)])
    return make_pipeline(pre, LogisticRegression(max_iter=2000))
def boosting():
    return HistGradientBoostingClassifier(categorical_features=ic, random_state=0)
split = json.load(open(split_path))
train, test, fold = np.array(split['train']), np.array(split['test']), np.array(split['fold'])
out = {}
for name, make, X in [('logistic_regression', logistic, X_lr), ('hist_gradient_boosting', boosting, X_hgb)]:
    t = time.perf_counter()
    model = make().fit(X[train], y[train])
    ms = (time.perf_counter() - t) * 1000
    auc = roc_auc_score(y[test], model.predict_proba(X[test])[:, 1])
    cv = []
    for k in range(int(fold.max()) + 1):
        m = make().fit(X[fold != k], y[fold != k])
        cv.append(roc_auc_score(y[fold == k], m.predict_proba(X[fold == k])[:, 1]))
    out[name] = {'roc_auc': auc, 'train_ms': ms, 'cv_roc_auc_mean': float(np.mean(cv)), 'cv_roc_auc_std': float(np.std(cv))}
print(json.dumps(out))
`;

interface SklearnFigures {
  roc_auc: number;
  train_ms: number;
  cv_roc_auc_mean: number;
  cv_roc_auc_std: number;
}

function sklearn(csvPath: string, splitPath: string): Record<string, SklearnFigures> {
  return runSklearn(SKLEARN_SCRIPT, [csvPath, splitPath]);
}

async function holdout(trainSet: Dataset, test: Dataset) {
  const { ms, result: model } = await timeMs(() => train(trainSet, { seed: SEED }));
  return { ms, model, auc: rocAuc(model.predict(test.rows), test.labels) };
}

/**
 * The churn model against scikit-learn's LogisticRegression and HistGradientBoostingClassifier on the telecom
 * table: one fixed stratified 80/20 split (seed 42) and 5 stratified folds, the same rows for both sides.
 * Value: our held-out ROC-AUC minus the best scikit-learn model's. Also times training on each tfjs backend.
 * `TIERLAB_CHURN_CSV=PATH` runs the same comparison on another table of that shape (a `churn` column Yes/No, one
 * row per customer), such as the non-linear telecom table of models/churn/README.md.
 */
export default async function bench(): Promise<BenchResult> {
  const csvPath = process.env.TIERLAB_CHURN_CSV ?? join(sharedDataDir, 'telco_churn.csv');
  const data = await readTelco(csvPath);
  const split = stratifiedSplit(data.labels, { testFraction: 0.2, seed: SEED });
  const fold = stratifiedFolds(data.labels, { k: FOLDS, seed: SEED });
  const dir = mkdtempSync(join(tmpdir(), 'tierlab-churn-'));
  try {
    const splitPath = join(dir, 'split.json');
    writeFileSync(splitPath, JSON.stringify({ train: Array.from(split.train), test: Array.from(split.test), fold: Array.from(fold) }));
    const trainSet = subset(data, split.train);
    const test = subset(data, split.test);

    const timings: Record<string, number> = {};
    for (const prefer of ['cpu', 'wasm'] as const) {
      const { backend } = await initBackend({ prefer });
      progress(`training on the ${backend} backend`);
      timings[backend] = Math.round((await holdout(trainSet, test)).ms);
    }
    const { backend } = await initBackend({ prefer: timings.wasm !== undefined && timings.wasm <= (timings.cpu ?? Infinity) ? 'wasm' : 'cpu' });
    progress(`held-out run and ${FOLDS}-fold CV on ${backend}`);
    const ours = await holdout(trainSet, test);
    const cv = await crossValidate(data, { k: FOLDS, seed: SEED });
    progress('scikit-learn on the same split and folds');
    const sk = sklearn(csvPath, splitPath);
    const best = Object.entries(sk).reduce((a, b) => (b[1].roc_auc > a[1].roc_auc ? b : a));
    const bestCv = Math.max(...Object.values(sk).map((s) => s.cv_roc_auc_mean));
    const value = ours.auc - best[1].roc_auc;
    return {
      bench: 'churn',
      metric: 'holdout_roc_auc_minus_best_sklearn',
      value,
      unit: 'ROC-AUC',
      goal: `held-out ROC-AUC >= best scikit-learn model's on the same split, 5-fold CV mean >= best scikit-learn's, training < ${TRAIN_MS_GOAL / 1000} s`,
      met: value >= 0 && cv.mean >= bestCv && ours.ms < TRAIN_MS_GOAL,
      data: `${basename(csvPath)}, ${data.rows.length.toLocaleString('en')} customers, stratified 80/20 split and 5 stratified folds, seed 42`,
      backend,
      train_ms: Math.round(ours.ms),
      train_ms_by_backend: timings,
      roc_auc: ours.auc,
      chosen: ours.model.json.selection.chosen,
      calibration: ours.model.json.calibrator.kind,
      cv_roc_auc_mean: cv.mean,
      cv_roc_auc_std: cv.std,
      sklearn: sk,
      best_sklearn: best[0],
      cv_minus_best_sklearn: cv.mean - bestCv,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
