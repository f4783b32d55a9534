"""The page's "About this model" panel: what the working group is, who acts, what to try.

Plain words for a class, readable in five minutes; the sources are the project's seed
documents, cited as [S000]-[S004] (docs/model.md lists them).
"""

from __future__ import annotations

ABOUT = """
### What is the working group?

In November 2018 the United States and South Korea (the ROK) set up a **working group**
(WG) on North Korea (the DPRK): officials of the US State Department and of Seoul's
Ministry of Foreign Affairs met regularly to check every inter-Korean project against the
UN sanctions before it went ahead [S000, S001]. The allies wanted no more surprises: in
September 2018 Seoul had signed a military agreement with Pyongyang that Washington
learned of late [S000]. The WG sped up UN sanctions exemptions (a railway survey in
December 2018) [S004], but in Seoul it was criticised as a US brake on inter-Korean
projects; the Ministry of Unification asked to reform it in 2020 [S003], North Korea
denounced it, and the allies agreed to end it in June 2021 [S002].

### The actors

- **The Blue House** (the ROK president's office) decides how each inter-Korean proposal
  goes: through the WG, through an informal channel, alone, or not at all.
- **MOFA**, the ROK Ministry of Foreign Affairs, runs the WG on the Korean side.
- **MOU**, the ROK Ministry of Unification, proposes projects, loses patience when they
  wait, and may challenge the WG in public.
- **The State Department** (US) reviews proposals: approves, vetoes or defers them, and
  co-sponsors requests for UN exemptions.
- **The UN 1718 Committee** decides sanctions exemptions, faster when the US co-sponsors.
- **The DPRK** (North Korea) accepts, ignores or rejects offers, and denounces the WG to
  split the allies (a "wedge" strategy).

Without the WG, a few informal channels between envoys carry the news; some of it never
reaches the State Department (a channel through the White House NSC may not pass it on).

### What to notice

- **The trade-off.** With the WG the US is surprised less often (it hears of every item),
  but the WG is one more place where an item can be vetoed or delayed, so Seoul sees more
  **public disputes** over US "interference". Watch the two charts move apart.
- **Legitimacy.** The WG's standing falls with delays, vetoes, denunciations and MOU
  challenges; at a change of leaders the allies may end it.
- **One seed is one history.** Chance decides much of each run. The **Many seeds** tab
  runs 50 histories with and without the WG and shows what holds on average.

### Things to try

1. Press **Play** in the default comparison and read the log around the first WG meeting.
2. Use a preset (left) such as *Denunciations cost the WG nothing*, press **Reset**, play,
   and see whether the WG ends later.
3. Pick **scope / sanctioned-only**: the WG handles only sanctioned items. What changes?
4. Type another seed, **Reset**, and compare: which differences hold every time?

Sources: [S000] GRASP, "US, South Korea to launch joint working group on North Korea"
(2018); [S001] Hankyoreh, "S. Korea and US to establish working group" (2018-11-01);
[S002] "Seoul, Washington agree to end 'working group' forum" (2021-06); [S003] Korea
Times, "Ministries remain apart over working group with US" (2020-09-30); [S004] FDD,
"Strategic working group strengthens U.S.-South Korea alliance" (2019-01-03).
"""
"""The panel's text (Markdown)."""
