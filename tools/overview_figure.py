"""Draw nbs/images/overview.png, the data-flow picture at the top of the README and docs home page."""

from pathlib import Path
import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

steps = [
    ("Scene + NavEnv", "a robot in\na furnished room"),
    ("novelty search", "an archive of\ndiverse controllers"),
    ("annotate", "coarse events:\n'north of the fridge'"),
    ("describe", "paraphrases\nand instructions"),
    ("dataset +\ntokenizer", "HF datasets,\nHF tokenizers"),
    ("LCDT", "GPT over text\n+ (bd, obs, act)"),
    ("evaluate", "did it reach?\ndid it do what\nwas said?"),
]
fig, ax = plt.subplots(figsize=(13, 2.8))
ax.set_xlim(0, len(steps))
ax.set_ylim(0, 1)
ax.axis('off')
cols = plt.cm.viridis([i / (len(steps) - 1) for i in range(len(steps))])
for i, ((name, sub), c) in enumerate(zip(steps, cols)):
    ax.add_patch(FancyBboxPatch((i + 0.06, 0.3), 0.86, 0.5, boxstyle="round,pad=0.02", fc=(*c[:3], 0.25), ec=c))
    ax.text(i + 0.49, 0.66, name, ha='center', va='center', fontsize=9.5, weight='bold')
    ax.text(i + 0.49, 0.42, sub, ha='center', va='center', fontsize=6.8, wrap=True)
    if i < len(steps) - 1:
        ax.annotate('', (i + 1.05, 0.55), (i + 0.93, 0.55), arrowprops=dict(arrowstyle='->', lw=1.5))
ax.text(
    len(steps) / 2,
    0.1,
    "the gold game, the brain (ViT autoencoder, QA) and RL with fake traces run alongside",
    ha='center',
    fontsize=8.5,
    style='italic',
)
ax.set_title(
    "lcdt: language-conditioned behaviour, from diverse trajectories to agents that do what they are told",
    fontsize=10.5,
)
out = Path(__file__).resolve().parent.parent / 'nbs' / 'images' / 'overview.png'
fig.savefig(out, dpi=110, bbox_inches='tight')
print(out)
