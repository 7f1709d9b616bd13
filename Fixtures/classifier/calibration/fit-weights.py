#!/usr/bin/env python3
"""Checks the classifier's weights (Sources/Backscatter/Evidence/Signal.swift) against a logistic fit.

    .build/debug/backscatter-harness dev --dump /tmp/cls-dump.jsonl
    python3 Fixtures/classifier/calibration/fit-weights.py /tmp/cls-dump.jsonl

Bounce templates are split into two halves by family (crc32 of the template file's name without its
number), so no family is in both; a model is fitted on one half and scored on the other, next to the
current hand-set weights scored on the same held-out half. Rows: every labelled bounce-like message,
once with its profile's signals and once with zero-config's."""
import sys
import json, numpy as np, zlib, re
rows=[json.loads(l) for l in open(sys.argv[1] if len(sys.argv) > 1 else '/tmp/cls-dump.jsonl')]
rows=[r for r in rows if r['label'] in ('backscatter','legitimate') and r['verdict']!='not-bounce']
cur={}
X=[];y=[];fam=[]
names=sorted({k for r in rows for key in ('signals','zsignals') for k in r[key]})
for r in rows:
    f=re.sub(r'-\d+\.eml$','',r['template'].split(':',1)[1]) if ':' in r['template'] else r['template']
    f=f.split('/')[-1]
    for key in ('signals','zsignals'):
        v=np.zeros(len(names))
        for k,w in r[key].items():
            i=names.index(k)
            if k=='original-spam-shape': v[i]=w/0.9
            elif k=='campaign-member': v[i]=1 if w>0 else -1
            else: v[i]=1
            cur[k]=abs(w) if k=='campaign-member' else (w if k!='original-spam-shape' else 0.9)
        X.append(v);y.append(1 if r['label']=='backscatter' else 0);fam.append(f)
X=np.array(X);y=np.array(y)
def fit(X,y,l2=1.0,iters=3000,lr=0.5):
    w=np.zeros(X.shape[1]);b=0.0
    for _ in range(iters):
        z=X@w+b;p=1/(1+np.exp(-z))
        g=X.T@(p-y)/len(y)+l2*w/len(y);gb=np.mean(p-y)
        w-=lr*g;b-=lr*gb
    return w,b
half=np.array([zlib.crc32(f.encode())%2 for f in fam])
for h in (0,1):
    tr=half==h;te=~tr
    w,b=fit(X[tr],y[tr])
    z=X[te]@w+b;p=1/(1+np.exp(-z))
    cw=np.array([cur.get(n,0) for n in names]);pc=1/(1+np.exp(-(X[te]@cw)))
    def stats(p):
        pred=p>=0.8;leg=p<=0.2
        tp=(pred&(y[te]==1)).sum();fp=(pred&(y[te]==0)).sum();fn=((~pred)&(y[te]==1)).sum()
        return f"prec {tp/max(1,tp+fp):.4f} rec {tp/max(1,tp+fn):.4f} unc {((~pred)&(~leg)).mean():.3f}"
    print(f"train half {h} ({tr.sum()} rows, {len(set(np.array(fam)[tr]))} families) -> test: fitted {stats(p)} | current weights {stats(pc)}")
w,b=fit(X,y)
print("bias %.2f"%b)
for n,wi in sorted(zip(names,w),key=lambda t:t[1]):
    print(f"  {n:28s} fit {wi:6.2f}  current {cur.get(n,0):6.2f}  n={int((X[:,names.index(n)]!=0).sum())}")
