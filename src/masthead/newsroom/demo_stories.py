"""Demo content for The Meridian Ledger, an invented Indian business daily.

Plain data used to seed a demonstration Masthead site. Importing this module
needs no Django setup. All staff stories, people, companies and figures are
invented for demonstration purposes, apart from the opening AFP wire story.

Body blocks are strings:

* a plain string is a paragraph (inline ``<em>``, ``<strong>`` and ``<a>`` only);
* ``"## Subhead"`` is a subhead;
* ``"> Quoted words. — Name, role"`` is a pull quote;
* ``"![alt text](demo/file.svg) Caption"`` is an image, relative to static files;
* ``"[[more]]"`` marks the end of the free lead (the paywall cut).
"""

from __future__ import annotations

from typing import Final, NotRequired, TypedDict


class DemoStory(TypedDict):
    slug: str
    headline: str
    standfirst: str
    section: str
    authors: list[str]
    agency: NotRequired[str]
    canonical_url: NotRequired[str]
    dateline: str
    published: str
    access: str
    body: list[str]


AUTHORS: Final[list[dict[str, str]]] = [
    {
        "slug": "ananya-rao",
        "name": "Ananya Rao",
        "role": "Markets Editor",
        "bio": (
            "Ananya Rao has covered Dalal Street for The Meridian Ledger since 1997, through "
            "four bull markets and as many crashes."
        ),
    },
    {
        "slug": "kabir-malhotra",
        "name": "Kabir Malhotra",
        "role": "Political Editor",
        "bio": (
            "Kabir Malhotra reports on Parliament, coalition politics and the states from New "
            "Delhi."
        ),
    },
    {
        "slug": "meera-krishnan",
        "name": "Meera Krishnan",
        "role": "Economics Editor",
        "bio": (
            "Meera Krishnan writes about monetary policy, public finance and the data behind "
            "India's growth."
        ),
    },
    {
        "slug": "farhan-qureshi",
        "name": "Farhan Qureshi",
        "role": "Technology Editor",
        "bio": (
            "Farhan Qureshi covers start-ups, semiconductors, telecoms and the policy fights "
            "over India's digital economy."
        ),
    },
    {
        "slug": "rohan-deshpande",
        "name": "Rohan Deshpande",
        "role": "Banking Correspondent",
        "bio": (
            "Rohan Deshpande reports on banks, lenders and the bond and currency markets from "
            "Mumbai."
        ),
    },
    {
        "slug": "priya-venkataraman",
        "name": "Priya Venkataraman",
        "role": "Opinion Editor",
        "bio": "Priya Venkataraman edits the opinion pages and writes The Ledger's editorials.",
    },
    {
        "slug": "siddharth-menon",
        "name": "Siddharth Menon",
        "role": "Contributing Columnist",
        "bio": (
            "Siddharth Menon is a former central bank economist who writes a fortnightly "
            "column on policy and markets."
        ),
    },
    {
        "slug": "eleanor-whitcombe",
        "name": "Eleanor Whitcombe",
        "role": "Europe Correspondent",
        "bio": (
            "Eleanor Whitcombe covers trade, finance and politics in Britain and the European "
            "Union from London."
        ),
    },
    {
        "slug": "tomas-ferreira",
        "name": "Tomás Ferreira",
        "role": "World Affairs Editor",
        "bio": (
            "Tomás Ferreira writes about geopolitics, energy and the Gulf economies, and has "
            "reported from more than 40 countries."
        ),
    },
    {
        "slug": "mei-ling-tan",
        "name": "Mei Ling Tan",
        "role": "Southeast Asia Correspondent",
        "bio": (
            "Mei Ling Tan has reported from Bangkok, Jakarta and Singapore for more than two "
            "decades."
        ),
    },
]

STORIES: Final[list[DemoStory]] = [
    {
        "slug": "azerbaijan-says-it-destroyed-armenian-air-defence-system",
        "headline": "Azerbaijan says it destroyed Armenian air defence system in Karabakh",
        "standfirst": (
            "Baku says its forces destroyed an Armenian Osa air defence system and its crew on "
            "the Karabakh frontline, the latest flare-up in a decades-old conflict."
        ),
        "section": "world",
        "authors": [],
        "agency": "afp",
        "canonical_url": (
            "https://www.afp.com/en/news/azerbaijan-destroyed-armenian-air-defence-system"
        ),
        "dateline": "BAKU",
        "published": "2017-05-16T14:05",
        "access": "metered",
        "body": [
            (
                "Ex-Soviet Azerbaijan and Armenia are locked in a protracted conflict over the "
                "disputed region, and frequent exchanges of fire nearly spiralled into all-out "
                "war last year."
            ),
            (
                '"Azerbaijani forces destroyed on Monday an Armenian Osa air defence system '
                "and its crew in the Fisuli-Khojavend sector of Karabakh's frontline in order "
                "to avert the threat it posed to Azerbaijan's aircraft,\" an official from the "
                "press service of Azerbaijan's defence ministry told AFP."
            ),
            '"Azerbaijani forces\' provocation will not be left unanswered," it said.',
            (
                "The incident came after bloody clashes erupted between Azerbaijani and "
                "Karabakh troops in February that killed several Azerbaijani servicemen."
            ),
            (
                "In April last year, at least 110 people from both sides were killed as "
                "simmering violence flared into the worst clashes in decades over the region."
            ),
            (
                "A Russian-brokered ceasefire ended the four days of fierce fighting but "
                "attempts to relaunch the stalled peace process since then have failed."
            ),
            "The two sides never signed a firm peace deal.",
            (
                "Energy-rich Azerbaijan, whose military spending exceeds Armenia's entire "
                "state budget, has repeatedly threatened to take back the breakaway region by "
                "force."
            ),
            "But Moscow-allied Armenia has vowed to crush any military offensive.",
        ],
    },
    {
        "slug": "poll-panel-announces-assembly-elections-in-three-states",
        "headline": "Poll panel announces assembly elections in three states",
        "standfirst": (
            "Voting will be held in three phases with counting on a single day, and the model "
            "code of conduct takes effect immediately, the Election Commission said."
        ),
        "section": "politics",
        "authors": [],
        "agency": "pti",
        "dateline": "NEW DELHI",
        "published": "days_ago:0",
        "access": "metered",
        "body": [
            (
                "The Election Commission announced assembly elections in three states, with "
                "polling to be held in three phases over a little more than a month and "
                "counting of votes on a single day. The model code of conduct comes into force "
                "immediately, barring the governments concerned from announcing new schemes or "
                "transferring officials without the commission's approval."
            ),
            (
                "Addressing a press conference in the capital, commission officials said more "
                "than 5.2 crore voters would be eligible to cast their ballots at about 61,000 "
                "polling stations. Nearly 18 lakh of them are first-time voters, and around "
                "2.3 lakh are aged above 85 and will be offered the option of voting from "
                "home."
            ),
            (
                "The commission said it would deploy central armed police forces in all "
                "districts identified as sensitive after consultations with state officials, "
                "and that webcasting would be used at more than half of all polling stations. "
                "Special observers will monitor spending by candidates, following complaints "
                "in previous elections about the use of cash and liquor to influence voters."
            ),
            "## Focus on urban turnout",
            (
                "Officials said the commission would run a dedicated campaign to raise turnout "
                "in large cities, where participation has lagged behind rural areas in recent "
                "polls. Housing societies with more than 1,000 residents will be allowed to "
                "host polling booths on their premises, and employers have been asked to give "
                "staff paid leave on polling day."
            ),
            (
                "Political parties broadly welcomed the schedule, though some regional parties "
                "said the phases were too spread out and would favour better-funded rivals. "
                "The commission said the phasing had been decided on the basis of security "
                "requirements, terrain and the availability of forces, and that it had "
                "consulted all recognised parties before finalising the dates."
            ),
        ],
    },
    {
        "slug": "coalition-partners-split-over-land-pooling-bill",
        "headline": "Coalition partners split over proposed land-pooling law",
        "standfirst": (
            "Two allies of the ruling alliance say the draft bill weakens farmers' consent "
            "rights and want it sent to a select committee."
        ),
        "section": "politics",
        "authors": ["kabir-malhotra"],
        "dateline": "NEW DELHI",
        "published": "days_ago:1",
        "access": "metered",
        "body": [
            (
                "Two allies of the ruling coalition have demanded that a proposed law allowing "
                "states to pool farmland for industrial corridors be referred to a "
                "parliamentary select committee, opening the most serious rift in the alliance "
                "since it took office. Leaders of both parties said the draft, circulated to "
                "members last week, diluted provisions requiring the consent of a majority of "
                "affected landowners."
            ),
            (
                "The government has argued that the bill is essential to speed up projects "
                "along new freight corridors, where disputes over small parcels of land have "
                "held up construction for years. Officials familiar with the draft said it "
                "lowers the consent threshold from 70 per cent of landowners to 60 per cent in "
                "designated zones, and caps the period for objections at 90 days."
            ),
            "[[more]]",
            (
                "> We are not against industry. We are against a law that treats a farmer's "
                "signature as a formality. — Raghunath Patil, parliamentary leader of an "
                "allied party"
            ),
            (
                "The two allies together hold 27 seats in the Lok Sabha, enough to make the "
                "government's majority uncomfortable but not enough to bring it down on their "
                "own. Their objections have nonetheless been noted by the leadership, which "
                "has called a meeting of coalition floor leaders before the bill is tabled, "
                "according to two people involved in the discussions."
            ),
            "## A familiar fault line",
            (
                "Land acquisition has tripped up successive governments, which have struggled "
                "to balance investors' demands for predictable timelines with the anxieties of "
                "farmers who fear being left with cash but no livelihood. An earlier attempt "
                "to amend the central law was abandoned after protests, and several states "
                "have since written their own rules with widely varying compensation formulas."
            ),
            (
                "Opposition parties said they would support a referral to a select committee, "
                "and some signalled they might use the issue to widen the rift. A senior "
                "minister, speaking on condition of anonymity, said the government was open to "
                "'reasonable amendments' but would not allow the bill to be 'buried in "
                "committee for a year'."
            ),
        ],
    },
    {
        "slug": "states-push-back-on-plan-to-cap-power-utility-borrowing",
        "headline": "States push back against centre's plan to cap borrowing by power utilities",
        "standfirst": (
            "Finance ministers from at least six states say linking new loans to distribution "
            "losses will punish consumers for problems the centre helped create."
        ),
        "section": "politics",
        "authors": ["kabir-malhotra", "meera-krishnan"],
        "dateline": "NEW DELHI",
        "published": "days_ago:3",
        "access": "premium",
        "body": [
            (
                "Finance ministers from at least six states have written to the Union finance "
                "ministry objecting to a proposal that would cap fresh borrowing by state "
                "power distribution companies unless they cut transmission and billing losses "
                "to below 15 per cent within three years. The letters, reviewed by The "
                "Meridian Ledger, describe the plan as an intrusion into state finances that "
                "would hurt consumers more than it would reform utilities."
            ),
            (
                "Distribution companies owe generators, banks and state governments more than "
                "₹6 lakh crore, and their losses have repeatedly been absorbed by state "
                "budgets. The centre's proposal, set out in a draft framework, would allow "
                "lenders to extend new loans only to utilities that meet annual loss-reduction "
                "milestones and publish audited accounts within six months of the end of the "
                "financial year."
            ),
            "[[more]]",
            "## The states' objections",
            (
                "The states argue that a large part of the losses stem from tariffs they "
                "cannot raise without regulatory approval, and from subsidised farm power that "
                "they describe as a social obligation rather than an inefficiency. Two of the "
                "letters point out that central schemes have themselves required utilities to "
                "extend supply to remote villages, where costs are high and collection is "
                "poor."
            ),
            (
                "One letter warns that a sudden squeeze on credit could force utilities to "
                "delay payments to generators, reviving the cycle of arrears that the centre "
                "has spent years trying to break. Another suggests that targets be linked to "
                "each state's starting point rather than applied uniformly, and that smaller "
                "hill states be given an extra two years to comply."
            ),
            "## What the centre wants",
            (
                "Officials in the power and finance ministries say the framework is designed "
                "to end what one described as 'the annual bailout ritual', in which losses "
                "pile up until the centre steps in with a restructuring package. They argue "
                "that lenders, including state-owned banks and power finance companies, have "
                "too often lent to utilities with little regard for their ability to repay."
            ),
            (
                "The dispute is likely to come up at the next meeting of state finance "
                "ministers, where the centre will need broad agreement if the framework is to "
                "work. Analysts say a compromise that phases in the cap and offers grants for "
                "metering and grid upgrades is the most likely outcome, though it would blunt "
                "the discipline the proposal is meant to impose."
            ),
        ],
    },
    {
        "slug": "explainer-how-a-bill-becomes-law",
        "headline": "Explainer: How a bill becomes law, and why so many stall in committee",
        "standfirst": (
            "From introduction to presidential assent, a bill must clear several stages in "
            "Parliament. Here is what happens at each, and where things tend to get stuck."
        ),
        "section": "politics",
        "authors": ["kabir-malhotra"],
        "dateline": "NEW DELHI",
        "published": "days_ago:7",
        "access": "free",
        "body": [
            (
                "Every central law begins as a bill, a draft introduced in either house of "
                "Parliament by a minister or, less often, by a private member. Most important "
                "legislation is drafted by the ministry concerned, vetted by the law ministry "
                "and approved by the Union cabinet before it is introduced. Money bills, which "
                "deal only with taxes and spending, can be introduced only in the Lok Sabha."
            ),
            "## Three readings",
            (
                "A bill goes through three readings in each house. The first is a formal "
                "introduction. At the second reading, members debate its principles and then "
                "consider it clause by clause, voting on amendments. The third reading is a "
                "vote on the bill as a whole. Once passed by one house, it goes to the other, "
                "where the same process is repeated."
            ),
            "## The committee stage",
            (
                "Either house can refer a bill to a department-related standing committee, or "
                "to a select or joint committee made up of members of one or both houses. "
                "Committees can call witnesses, seek written submissions from the public and "
                "recommend changes. Their reports are not binding, but governments often "
                "accept some recommendations, and a strong report can shape the debate when "
                "the bill returns to the floor."
            ),
            (
                "Referral is also where many bills lose momentum. Committees may take months "
                "to report, and a bill pending in the Lok Sabha lapses when the house is "
                "dissolved and must be introduced afresh. Critics say too few bills are now "
                "sent to committees at all, while governments argue that scrutiny has "
                "sometimes been used simply to delay legislation they have a mandate to pass."
            ),
            "## Assent and after",
            (
                "Once both houses agree on identical text, the bill is sent to the President, "
                "who can give assent, withhold it or, except for money bills, return it for "
                "reconsideration. A bill that is returned and passed again must receive "
                "assent. Even then, a law takes effect only when the government notifies it, "
                "and the rules that make it work can take years to be framed."
            ),
        ],
    },
    {
        "slug": "opposition-walks-out-as-rajya-sabha-clears-mining-royalties-bill",
        "headline": "Opposition walks out as Rajya Sabha clears mining royalties bill",
        "standfirst": (
            "The new law lets the centre set a common royalty floor for critical minerals, a "
            "move that mineral-rich states say erodes their revenue."
        ),
        "section": "politics",
        "authors": ["kabir-malhotra"],
        "dateline": "NEW DELHI",
        "published": "days_ago:12",
        "access": "metered",
        "body": [
            (
                "The Rajya Sabha passed a bill allowing the centre to set a minimum royalty "
                "for 24 critical minerals after opposition members walked out, accusing the "
                "government of overriding the states' constitutional control over mineral "
                "resources. The bill, which the Lok Sabha cleared earlier in the session, will "
                "now be sent to the President for assent."
            ),
            (
                "The law empowers the mines ministry to notify a floor royalty rate for "
                "minerals such as lithium, graphite and rare earths, which are needed for "
                "batteries and electronics. Officials say a common floor will stop states from "
                "undercutting each other to attract investors, and give miners a predictable "
                "cost base when bidding for exploration licences."
            ),
            (
                "Members from mineral-rich states in the east and centre of the country said "
                "the law would reduce their bargaining power just as demand for these minerals "
                "is expected to rise sharply. They argued that royalties are among the few "
                "revenue sources states control directly, and that any change should have been "
                "negotiated through a council of states of the kind they have long demanded."
            ),
            (
                "> The minerals are in our soil, the displacement is in our villages, and now "
                "the pricing will be in Delhi. — Sunita Oraon, Rajya Sabha member"
            ),
            (
                "Replying to the debate, the minister said the floor would not prevent states "
                "from charging more, and that auction premiums would continue to flow entirely "
                "to them. The government also accepted an amendment requiring consultation "
                "with states before the floor rate is revised, though opposition members said "
                "the change did not go nearly far enough."
            ),
            (
                "Industry groups welcomed the passage. The Critical Minerals Producers' Forum, "
                "an industry body, said the law would help unlock investment in exploration, "
                "where India lags behind comparable economies. It urged the government to move "
                "quickly on the rules so that the first auctions under the new regime can be "
                "held within the financial year."
            ),
        ],
    },
    {
        "slug": "state-unveils-plan-to-ease-crush-on-mumbai-suburban-trains",
        "headline": (
            "State unveils ₹12,000 crore plan to ease the crush on Mumbai's suburban trains"
        ),
        "standfirst": (
            "The plan promises air-conditioned trains, new lines to the northern suburbs and "
            "staggered office hours, but depends on money from the centre and lenders."
        ),
        "section": "politics",
        "authors": ["kabir-malhotra"],
        "dateline": "MUMBAI",
        "published": "days_ago:18",
        "access": "metered",
        "body": [
            (
                "The Maharashtra government unveiled a ₹12,000 crore plan to reduce "
                "overcrowding on Mumbai's suburban rail network, promising 120 new "
                "air-conditioned trains, two additional lines on the busiest stretch to the "
                "northern suburbs and a push for staggered office timings in the city's "
                "business districts. The network carries more than 70 lakh passengers on a "
                "typical weekday."
            ),
            (
                "Officials said the state would bear about a third of the cost, with the rest "
                "expected to come from the railways and multilateral lenders. Work on the "
                "additional lines, which require land along a densely built corridor, is "
                "expected to take at least five years, while the first of the new trains could "
                "be in service within eighteen months."
            ),
            "## Staggered hours",
            (
                "The most immediate change could come from office hours. The state said it "
                "would ask government departments, banks and large private employers in south "
                "and central Mumbai to spread start times between 8 am and 11 am. Officials "
                "estimate that shifting even a fifth of peak-hour commuters could reduce "
                "crowding on the worst-affected trains by a quarter."
            ),
            (
                "Commuter groups welcomed the plan but said they had heard similar promises "
                "before. They pointed out that several earlier projects to add lines have run "
                "years behind schedule because of land disputes and slow approvals. They also "
                "asked that fares on air-conditioned trains be kept within reach of daily "
                "commuters, many of whom travel more than two hours a day."
            ),
            (
                "Opposition parties in the state called the announcement an attempt to win "
                "favour ahead of municipal elections, and demanded a timeline with penalties "
                "for delays. The government said a dedicated company would be set up to "
                "execute the projects and would publish quarterly progress reports that "
                "commuters could track online."
            ),
        ],
    },
    {
        "slug": "parliamentary-panel-questions-pace-of-defence-procurement-reform",
        "headline": "Parliamentary panel questions pace of defence procurement reform",
        "standfirst": (
            "A standing committee report says more than half of the major contracts it "
            "examined were delivered late, despite repeated overhauls of the rules."
        ),
        "section": "politics",
        "authors": ["kabir-malhotra"],
        "dateline": "NEW DELHI",
        "published": "days_ago:25",
        "access": "metered",
        "body": [
            (
                "A parliamentary committee on defence has criticised the slow pace of "
                "procurement reform, saying that more than half of the major contracts it "
                "examined were delivered late and that cost overruns remained common despite "
                "several revisions of the rules. The report, tabled in both houses, calls for "
                "a single agency with the authority to run large purchases from start to "
                "finish."
            ),
            (
                "The committee, which includes members from across parties, examined 48 "
                "contracts worth more than ₹500 crore each signed over the past five years. It "
                "found that 27 had missed delivery deadlines, with an average delay of 19 "
                "months, and that trials and technical evaluations accounted for the largest "
                "share of the slippage. Several contracts had been re-tendered after only a "
                "single bidder remained."
            ),
            "[[more]]",
            "## Domestic industry",
            (
                "The report welcomed the growing share of orders placed with domestic "
                "manufacturers but warned that private suppliers were being held back by slow "
                "payments and uncertainty over future orders. It recommended that the ministry "
                "publish a rolling ten-year capability plan so that companies can invest in "
                "production lines with more confidence."
            ),
            (
                "The defence ministry, in replies recorded in the report, said a number of "
                "procedural changes had already cut approval times and that trials were now "
                "being conducted in parallel where possible. It said delays in some cases had "
                "been caused by foreign suppliers and by changes in requirements sought by the "
                "armed services themselves."
            ),
            (
                "Members said they would seek an action-taken report within three months. "
                "Analysts said the recommendation for a single procurement agency had been "
                "made before, by expert committees over two decades, and that its fate would "
                "depend on whether the services were willing to give up some control over the "
                "process."
            ),
        ],
    },
    {
        "slug": "cabinet-approves-logistics-corridor-linking-four-eastern-ports",
        "headline": "Cabinet approves logistics corridor linking four eastern ports",
        "standfirst": (
            "The ₹38,000 crore project combines rail, road and inland waterways and aims to "
            "cut freight costs for industry in the east."
        ),
        "section": "politics",
        "authors": ["kabir-malhotra"],
        "dateline": "NEW DELHI",
        "published": "days_ago:38",
        "access": "metered",
        "body": [
            (
                "The Union cabinet approved a ₹38,000 crore logistics corridor that will link "
                "four ports on the eastern coast with industrial clusters in the interior "
                "through a combination of dedicated freight rail, expressways and inland "
                "waterways. The government said the project would cut average freight times "
                "between the ports and the mining and steel belt by about a third."
            ),
            (
                "The corridor is designed as a series of multimodal parks where containers can "
                "move between trains, trucks and barges under a single customs and tracking "
                "system. Private operators will be invited to build and run the parks under "
                "long-term concessions, while the centre will fund the rail and road links "
                "through the budget and borrowing by state-owned companies."
            ),
            "## Eastern push",
            (
                "Officials said the eastern states have lagged behind the west in attracting "
                "manufacturing partly because of weaker logistics. Freight costs in India have "
                "been estimated at 13 to 14 per cent of gross domestic product on some "
                "measures, higher than in many competing economies, though the government's "
                "own more recent estimates put the figure lower."
            ),
            (
                "The states through which the corridor passes will be asked to acquire land "
                "and provide power and water connections to the parks. Several have already "
                "identified sites, officials said, though land acquisition is expected to be "
                "the main risk to the timeline. The first phase is scheduled to be completed "
                "within four years."
            ),
            (
                "Industry associations welcomed the decision and called for the customs and "
                "tracking system to work seamlessly with existing port platforms. Some "
                "economists cautioned that earlier corridor projects had been slow to attract "
                "private investment, and that the success of the plan would depend on assured "
                "traffic from large shippers."
            ),
        ],
    },
    {
        "slug": "us-imposes-sanctions-after-pokhran-nuclear-tests",
        "headline": (
            "US imposes sanctions after Pokhran tests; government says economy can absorb the blow"
        ),
        "standfirst": (
            "Washington's measures target aid, military sales and lending by American banks. "
            "Officials in New Delhi say the impact will be limited and investors should not "
            "panic."
        ),
        "section": "politics",
        "authors": ["kabir-malhotra"],
        "dateline": "NEW DELHI",
        "published": "1998-05-14T21:30",
        "access": "metered",
        "body": [
            (
                "The United States imposed economic sanctions on India following the nuclear "
                "tests conducted at Pokhran this week, suspending most non-humanitarian aid, "
                "halting military sales and directing American banks to stop lending to the "
                "government. Washington said it would also oppose new loans to India from "
                "international lending institutions, except for humanitarian purposes."
            ),
            (
                "Officials in the finance ministry said the economy was strong enough to "
                "absorb the impact, pointing to foreign exchange reserves that have been "
                "rebuilt since the balance-of-payments crisis of 1991. They said bilateral aid "
                "from the United States was modest in relation to the size of the economy, and "
                "that the bigger concern was the attitude of the multilateral lenders."
            ),
            "## Lenders and investors",
            (
                "Loans from the World Bank and the Asian Development Bank fund a large number "
                "of infrastructure and social sector projects, and economists said any freeze "
                "on new commitments could slow work on power, roads and irrigation. Projects "
                "already approved are expected to continue, but officials acknowledged that "
                "several loans awaiting board approval could now be held up."
            ),
            (
                "Japan, the largest bilateral donor, has already announced that it will freeze "
                "new grant aid, and other industrialised countries are weighing similar steps. "
                "Bankers in Mumbai said foreign institutional investors had been cautious "
                "since the first tests were announced, though there had been no rush for the "
                "exit so far."
            ),
            (
                "> The sanctions will pinch, but they will not pinch hard. The real test is "
                "whether we keep the reform programme moving. — K. S. Ramanathan, independent "
                "economist"
            ),
            (
                "Political parties were divided on how to respond. The ruling coalition said "
                "the tests were a matter of national security that could not be bargained "
                "away, while some opposition leaders questioned whether the economic "
                "consequences had been adequately weighed. Business chambers urged the "
                "government to step up diplomatic contacts to limit the scope and duration of "
                "the sanctions."
            ),
        ],
    },
    {
        "slug": "voters-deliver-first-single-party-majority-in-three-decades",
        "headline": "Voters deliver first single-party majority in three decades",
        "standfirst": (
            "The Bharatiya Janata Party has won a Lok Sabha majority on its own, ending a "
            "quarter-century of coalition governments at the centre. Markets touched a record "
            "as results came in."
        ),
        "section": "politics",
        "authors": ["kabir-malhotra"],
        "dateline": "NEW DELHI",
        "published": "2014-05-16T21:15",
        "access": "metered",
        "body": [
            (
                "The Bharatiya Janata Party won a majority of seats in the Lok Sabha on its "
                "own, according to results declared by the Election Commission on Friday, the "
                "first time any party has done so since 1984. The outcome ends a "
                "quarter-century in which every government at the centre has depended on "
                "coalition partners or outside support to survive."
            ),
            (
                "Together with its pre-poll allies, the party will command a comfortable "
                "majority in the 543-member house. The Indian National Congress, which led the "
                "outgoing coalition government for ten years, recorded its worst performance "
                "ever, winning fewer than 50 seats. Several regional parties that had expected "
                "to play kingmaker in a fractured verdict also saw their tallies shrink "
                "sharply."
            ),
            "[[more]]",
            "## Markets rally",
            (
                "Financial markets greeted the early trends with enthusiasm. The benchmark "
                "Sensex touched a record high in morning trade before giving up part of its "
                "gains as investors booked profits, while the rupee strengthened against the "
                "dollar. Brokers said foreign investors, who had poured money into Indian "
                "shares in the run-up to the results, were betting on faster decisions on "
                "stalled projects."
            ),
            (
                "> For the first time in a generation, a government will not have to spend "
                "half its energy keeping allies happy. That is a huge opportunity, and a huge "
                "responsibility. — Arvind Kulkarni, political analyst"
            ),
            (
                "The new government will inherit an economy that has grown at below 5 per cent "
                "for two years, stubborn inflation and a large pile of stalled infrastructure "
                "projects. Economists said the size of the mandate gave it room to pursue "
                "difficult reforms, including a goods and services tax that requires the "
                "support of the states, though it will still lack a majority in the Rajya "
                "Sabha."
            ),
        ],
    },
    {
        "slug": "country-enters-21-day-lockdown-to-slow-coronavirus",
        "headline": "Country enters 21-day lockdown as government moves to slow coronavirus",
        "standfirst": (
            "Factories, offices and shops selling non-essential goods are shut and most "
            "transport has halted. Essential services, including banks and pharmacies, will "
            "stay open."
        ),
        "section": "politics",
        "authors": ["kabir-malhotra"],
        "dateline": "NEW DELHI",
        "published": "2020-03-25T08:00",
        "access": "free",
        "body": [
            (
                "India entered a 21-day nationwide lockdown at midnight, with the government "
                "ordering the closure of factories, offices, shops selling non-essential goods "
                "and places of worship in an effort to slow the spread of the coronavirus. "
                "People have been told to stay at home except to buy food and medicine or to "
                "seek medical care, and states have been asked to enforce the order strictly."
            ),
            (
                "Guidelines issued by the home ministry exempt hospitals, pharmacies, grocery "
                "and vegetable shops, banks and ATMs, petrol pumps, telecom and internet "
                "services, and the delivery of essential goods, including through e-commerce. "
                "Passenger trains had already been suspended, and domestic flights were halted "
                "from midnight. Movement of goods between states will be allowed to continue."
            ),
            "## Businesses brace",
            (
                "Industry groups said the lockdown was necessary but would cause severe "
                "disruption to manufacturing, construction and services, which employ tens of "
                "millions of workers on daily wages. They urged the government to announce "
                "relief for small businesses, including a moratorium on loan repayments and "
                "help with wages, and asked that supply chains for essential goods be kept "
                "moving."
            ),
            (
                "Economists said growth would be hit sharply in the first quarter of the new "
                "financial year, which begins next week. Several said the government and the "
                "Reserve Bank would need to act quickly with support for households and "
                "lenders. The finance ministry has said it is working on a package, and the "
                "central bank has said it is ready to use all available instruments."
            ),
            (
                "Across cities, residents queued at grocery stores and pharmacies late into "
                "the night after the announcement, despite assurances that essential supplies "
                "would not be interrupted. Police in several states said they would allow the "
                "movement of delivery staff and workers in essential services on the basis of "
                "identity cards or passes issued by local authorities."
            ),
        ],
    },
    {
        "slug": "sensex-ends-at-record-as-banks-and-it-lead-rally",
        "headline": "Sensex ends at record as banks and IT stocks lead broad rally",
        "standfirst": (
            "Foreign investors were net buyers for a sixth straight session, and mid-cap "
            "indices outperformed the benchmarks."
        ),
        "section": "markets",
        "authors": ["ananya-rao"],
        "dateline": "MUMBAI",
        "published": "days_ago:0",
        "access": "metered",
        "body": [
            (
                "Indian shares closed at record highs, led by gains in private banks and "
                "information technology companies, as foreign investors extended their buying "
                "streak to a sixth straight session. The Sensex rose 1.1 per cent and the "
                "broader Nifty 50 gained 1.2 per cent, with 42 of the 50 stocks in the index "
                "ending higher. Both benchmarks had traded in a narrow range for much of the "
                "past month."
            ),
            (
                "Private lenders were the biggest contributors after two mid-sized banks "
                "reported better-than-expected loan growth and a drop in bad loans for the "
                "quarter. The Nifty Bank index rose 1.6 per cent. Software exporters gained on "
                "hopes that clients in the United States and Europe will loosen their "
                "technology budgets, with the sector index advancing 1.4 per cent."
            ),
            "[[more]]",
            (
                "Provisional exchange data showed foreign portfolio investors bought shares "
                "worth about ₹3,900 crore in the cash market, while domestic institutions were "
                "net sellers of about ₹1,100 crore, booking profits after a strong run. The "
                "rupee ended slightly firmer against the dollar, helped by the inflows, and "
                "government bond yields were little changed."
            ),
            (
                "> The rally is broad, not just a handful of heavyweights. That tells you "
                "money is coming back into the market with some conviction. — Nandita Joshi, "
                "head of equity strategy, Banyan Capital"
            ),
            (
                "Mid-cap and small-cap indices outperformed the benchmarks, rising 1.5 per "
                "cent and 1.3 per cent respectively. Market breadth was strong, with about two "
                "stocks advancing for every one that declined on the BSE. Analysts, however, "
                "cautioned that valuations in the smaller segments were well above their "
                "long-term averages and left little room for disappointment."
            ),
            (
                "Traders said attention would now shift to a fresh batch of quarterly results "
                "from consumer companies and to global cues, including US inflation data due "
                "later in the week, which could shape expectations for interest rates. Crude "
                "oil prices, which have risen in recent sessions, remain a risk for "
                "import-dependent sectors such as paints and aviation."
            ),
        ],
    },
    {
        "slug": "asian-shares-mixed-as-investors-await-us-inflation-data",
        "headline": "Asian shares mixed as investors await US inflation data",
        "standfirst": (
            "Japanese stocks edged higher on a weaker yen while Chinese markets slipped on "
            "renewed worries over property developers."
        ),
        "section": "markets",
        "authors": [],
        "agency": "reuters",
        "canonical_url": (
            "https://www.reuters.com/markets/asia/asian-shares-mixed-ahead-of-us-inflation-data/"
        ),
        "dateline": "TOKYO",
        "published": "days_ago:1",
        "access": "metered",
        "body": [
            (
                "Asian shares were mixed as investors held back from big bets ahead of US "
                "inflation figures that could influence the pace of interest rate cuts, while "
                "the dollar held near a two-week high against major currencies. MSCI's "
                "broadest index of Asia-Pacific shares outside Japan was little changed in "
                "afternoon trade after two sessions of modest gains."
            ),
            (
                "Japan's Nikkei rose 0.6 per cent, helped by exporters as the yen weakened, "
                "while South Korea's Kospi gained 0.3 per cent on buying in chipmakers. Hong "
                "Kong's Hang Seng index fell 0.8 per cent and China's blue-chip CSI300 index "
                "slipped 0.4 per cent, weighed down by renewed concerns over debt repayments "
                "at property developers."
            ),
            (
                "Investors are focused on the US consumer price report, which economists "
                "expect to show core inflation easing slightly on a monthly basis. A "
                "higher-than-expected reading could push back bets on rate cuts, analysts "
                "said, and strengthen the dollar further against Asian currencies that have "
                "only recently recovered from a long slide."
            ),
            (
                '"The market is priced for a soft number, so the risk is clearly skewed '
                'towards disappointment," said Daniel Koh, an investment strategist at '
                'Straits Harbour Securities in Singapore. "Nobody wants to be caught long '
                'ahead of a hot print, which is why volumes are so thin today."'
            ),
            (
                "In currency markets, the yen hovered near levels that have prompted warnings "
                "from Japanese officials in the past, and traders said they were watching for "
                "any signs of intervention. Oil prices extended gains, with Brent crude rising "
                "0.5 per cent on supply concerns in the Middle East. Spot gold was little "
                "changed."
            ),
            (
                "Indian markets were expected to open steady, with index futures traded at "
                "GIFT City pointing to a flat start. Foreign investors have been net buyers of "
                "Indian shares for several sessions, and traders in Mumbai said the US data "
                "would set the tone for the rest of the week."
            ),
        ],
    },
    {
        "slug": "nilachal-hydro-ipo-subscribed-38-times",
        "headline": "Nilachal Hydro Power's ₹4,800 crore IPO subscribed 38 times on final day",
        "standfirst": (
            "Institutional investors bid for more than 120 times the shares on offer to them, "
            "making it one of the most sought-after energy listings in years."
        ),
        "section": "markets",
        "authors": ["ananya-rao"],
        "dateline": "MUMBAI",
        "published": "days_ago:4",
        "access": "metered",
        "body": [
            (
                "The ₹4,800 crore initial public offering of Nilachal Hydro Power was "
                "subscribed 38 times on the final day of bidding, according to exchange data, "
                "as institutional investors scrambled for one of the few pure-play "
                "hydroelectric companies to come to market. Qualified institutional buyers bid "
                "for 121 times the shares reserved for them, while retail investors subscribed "
                "their portion 11 times."
            ),
            (
                "The company, which operates six run-of-the-river plants in the eastern "
                "Himalayas with a combined capacity of 1,450 megawatts, priced the issue at "
                "₹212 to ₹224 a share. About ₹2,900 crore of the proceeds will be used to "
                "repay debt, and the rest will go to existing shareholders, including a "
                "private equity fund that is partially exiting after nine years."
            ),
            (
                "![Bar chart of money raised through main-board IPOs in each of the past six "
                "years, falling in the third year and then rising for three straight years to "
                "a peak of about 89 thousand crore rupees](demo/ipo-fundraising.svg) Money "
                "raised through main-board IPOs has risen for three straight years. "
                "Illustrative figures."
            ),
            (
                "Bankers said the demand reflected investor appetite for companies with "
                "long-term power purchase agreements and predictable cash flows, as well as "
                "the broader strength of the primary market. Main-board issues have raised "
                "more money this financial year than in any full year on record, according to "
                "data compiled by Prime Issue Tracker."
            ),
            (
                "Some analysts urged caution, noting that hydro projects face geological and "
                "weather risks, and that two of the company's plants had reported lower "
                "generation in recent years because of silt and landslides. The company said "
                "in its offer document that it had invested in desilting and slope protection, "
                "and that its agreements with state utilities include payments for capacity as "
                "well as energy."
            ),
            (
                "The shares are expected to list next week. Grey market premiums, an "
                "unofficial indicator of listing gains, suggested the stock could open around "
                "30 per cent above the issue price, though bankers cautioned that such "
                "indicators have often proved unreliable when markets turn volatile."
            ),
        ],
    },
    {
        "slug": "oil-climb-pressures-paint-makers-and-airlines",
        "headline": "Oil's steady climb puts pressure on paint makers and airlines",
        "standfirst": (
            "Brent has risen about 9% in ten sessions. Analysts say companies that depend on "
            "crude-linked inputs could see margins squeezed in the coming quarters."
        ),
        "section": "markets",
        "authors": ["ananya-rao"],
        "dateline": "MUMBAI",
        "published": "days_ago:7",
        "access": "metered",
        "body": [
            (
                "Shares of paint makers, airlines and tyre companies fell for a third straight "
                "session as oil prices extended their climb, with Brent crude rising about 9 "
                "per cent over the past ten trading sessions. Oil-sensitive stocks in the "
                "Nifty have underperformed the broader market by four percentage points over "
                "that period, according to exchange data."
            ),
            (
                "Crude oil and its derivatives account for a large part of raw material costs "
                "for paint and tyre makers, while jet fuel is typically the single biggest "
                "expense for airlines. Analysts said these companies had benefited from softer "
                "crude prices over the past year, which helped widen margins, and that the "
                "recent increase threatened to reverse some of those gains."
            ),
            "[[more]]",
            (
                "![Line chart of Brent crude oil prices over ten trading sessions, rising from "
                "about 78 dollars to about 85 dollars a barrel](demo/brent-ten-sessions.svg) "
                "Brent crude has climbed steadily over the past ten sessions. Illustrative "
                "figures."
            ),
            "## Pricing power tested",
            (
                "Paint companies have historically been able to pass on higher costs to "
                "customers with a lag of one or two quarters, but analysts said competition "
                "from new entrants had made that harder. Two large paint makers cut prices "
                "last year to defend market share, and a fresh round of increases could hurt "
                "volumes in a segment where demand is closely tied to housing."
            ),
            (
                "Airlines face a different problem. Fares are set by demand and capacity "
                "rather than costs, and carriers have limited room to raise prices when "
                "competitors add seats. One brokerage estimated that every 10 per cent "
                "increase in jet fuel prices cuts the operating margin of domestic airlines by "
                "about two percentage points, unless it is offset by higher fares."
            ),
            (
                "> If oil settles above 85, the margin story of the past year is largely over "
                "for these sectors. — Kunal Mehra, senior analyst, Tideline Securities"
            ),
            (
                "Upstream oil producers rose, benefiting from higher realisations, while "
                "state-run fuel retailers slipped on concerns that they may be asked to absorb "
                "part of the increase rather than raise pump prices. Traders said the "
                "direction of crude over the next few weeks would largely decide whether the "
                "sell-off in consumer-facing sectors deepens."
            ),
        ],
    },
    {
        "slug": "sebi-proposes-tighter-rules-for-weekly-index-options",
        "headline": "SEBI proposes tighter rules for weekly index options",
        "standfirst": (
            "The market regulator wants bigger contract sizes and upfront collection of option "
            "premiums, citing heavy losses among individual traders."
        ),
        "section": "markets",
        "authors": ["ananya-rao"],
        "dateline": "MUMBAI",
        "published": "days_ago:12",
        "access": "metered",
        "body": [
            (
                "The Securities and Exchange Board of India has proposed tightening the rules "
                "for trading in weekly index options, including raising the minimum contract "
                "size and limiting the number of weekly expiries each exchange can offer, in a "
                "bid to curb speculation by individual traders. The proposals were set out in "
                "a consultation paper published on the <a "
                'href="https://www.sebi.gov.in/">regulator\'s website</a>, with comments '
                "invited for 30 days."
            ),
            (
                "The paper says that about nine out of ten individual traders in equity "
                "derivatives lost money over the past three years, with aggregate losses "
                "running into tens of thousands of crores of rupees. It notes that trading "
                "volumes in index options now dwarf those in the cash market, and that most of "
                "the activity is concentrated on the day of expiry."
            ),
            "## Key proposals",
            (
                "Under the proposals, the minimum value of an index options contract would "
                "roughly double. Brokers would have to collect option premiums from buyers "
                "upfront rather than allowing intraday leverage, and exchanges would be "
                "permitted only one weekly expiry each on a single benchmark index. Position "
                "limits would also be monitored during the trading day, not only at the close."
            ),
            (
                "Brokers, whose revenues depend heavily on options trading, said the measures "
                "could push some traders to unregulated offshore platforms and reduce "
                "liquidity. Shares of listed brokerages and exchange operators fell between 3 "
                "and 6 per cent after the paper was released, as analysts cut their estimates "
                "for trading volumes."
            ),
            (
                "> The intent is right. The risk is that volumes fall sharply and the most "
                "determined speculators simply move elsewhere. — Radhika Iyer, partner, "
                "Stonebridge Law Associates"
            ),
            (
                "Investor protection groups welcomed the paper and urged the regulator to go "
                "further, including by requiring brokers to display the proportion of their "
                "clients who lose money. The regulator said it would finalise the rules after "
                "reviewing feedback, and that the changes would be introduced in phases to "
                "give the industry time to adjust."
            ),
        ],
    },
    {
        "slug": "mid-cap-funds-draw-record-inflows-as-valuations-stretch",
        "headline": "Mid-cap funds draw record inflows even as valuations stretch",
        "standfirst": (
            "Investors put more money into mid- and small-cap schemes last month than in any "
            "month on record, while fund managers quietly raise cash and restrict lump-sum "
            "investments."
        ),
        "section": "markets",
        "authors": ["rohan-deshpande"],
        "dateline": "MUMBAI",
        "published": "days_ago:19",
        "access": "premium",
        "body": [
            (
                "Mutual fund schemes that invest in mid-sized and smaller companies drew "
                "record inflows last month, according to industry data, even as fund managers "
                "warned that valuations in those segments had moved well ahead of earnings. "
                "Mid-cap and small-cap schemes together received net inflows of about ₹9,200 "
                "crore, more than a third of all the money that went into equity funds."
            ),
            (
                "Much of the money came through systematic investment plans, in which "
                "investors commit fixed monthly amounts, suggesting that the inflows are "
                "likely to continue for some time. Monthly contributions through such plans "
                "have roughly doubled over three years, and distributors say younger investors "
                "in smaller cities are increasingly choosing funds focused on smaller "
                "companies."
            ),
            "[[more]]",
            "## Fund houses turn cautious",
            (
                "At least four fund houses have restricted lump-sum investments in their "
                "small-cap schemes while allowing monthly plans to continue. Portfolio "
                "disclosures show that several schemes have raised their cash holdings to "
                "between 8 and 12 per cent of assets, well above their usual levels, as "
                "managers struggle to find stocks at reasonable prices."
            ),
            (
                "The Nifty Midcap 150 index trades at about 33 times estimated earnings for "
                "the next twelve months, compared with around 21 times for the Nifty 50, "
                "according to brokerage estimates. The premium is far wider than the long-term "
                "average, and analysts say it leaves little room for disappointment if "
                "earnings growth slows."
            ),
            (
                "> Investors are extrapolating three great years into the next ten. That "
                "rarely ends well in small caps. — Vivek Anand, chief investment officer, "
                "Harbourline Mutual Fund"
            ),
            (
                "Regulators have also taken note. The market regulator has asked fund houses "
                "to disclose the results of stress tests showing how long it would take to "
                "sell a quarter or half of their portfolios in a falling market, information "
                "that is now published every month. Distributors said the disclosures had had "
                "little visible effect on investor behaviour so far."
            ),
        ],
    },
    {
        "slug": "government-bonds-rally-as-index-linked-foreign-flows-build",
        "headline": "Government bonds rally as index-linked foreign flows build",
        "standfirst": (
            "Benchmark yields have fallen about 20 basis points in a month as overseas funds "
            "that track global bond indices add Indian debt."
        ),
        "section": "markets",
        "authors": ["rohan-deshpande"],
        "dateline": "MUMBAI",
        "published": "days_ago:30",
        "access": "metered",
        "body": [
            (
                "Indian government bonds rallied for a fourth straight week, pushing the "
                "benchmark 10-year yield down about 20 basis points over the past month, as "
                "foreign funds that track global bond indices continued to add Indian debt. "
                "Overseas investors have bought more than ₹28,000 crore of index-eligible "
                "bonds in the past four weeks, according to depository data."
            ),
            (
                "The purchases follow the inclusion of a set of Indian government securities "
                "in major emerging-market bond indices, which has drawn a steady stream of "
                "passive money. Traders said the flows had been larger than expected because "
                "several active managers were also increasing their holdings ahead of further "
                "increases in index weightings."
            ),
            "## Lower borrowing costs",
            (
                "The fall in yields has lowered borrowing costs for the government and for "
                "companies that price their loans and bonds off the sovereign curve. "
                "State-owned lenders and large corporations have stepped up bond issuance this "
                "month, and bankers said pricing on several deals had been the tightest in "
                "more than two years."
            ),
            (
                "Some economists cautioned that a larger foreign presence in the bond market "
                "could make yields and the rupee more sensitive to global shocks. They pointed "
                "to episodes in other emerging markets where sudden selling by foreign "
                "investors had driven yields up sharply. The central bank has said it is "
                "monitoring the flows and has the tools to smooth excessive volatility."
            ),
            (
                "Dealers expect yields to remain range-bound in the near term, with the "
                "government's borrowing calendar and the outlook for inflation the main "
                "factors to watch. Heavier than expected borrowing by state governments could "
                "cap the rally, they said, as could any rise in US Treasury yields."
            ),
        ],
    },
    {
        "slug": "software-stocks-crash-as-nasdaq-rout-spreads-to-dalal-street",
        "headline": "Software stocks crash as Nasdaq rout spreads to Dalal Street",
        "standfirst": (
            "Technology shares, the darlings of the past year, suffered their steepest fall in "
            "months after the US technology index recorded its worst week ever."
        ),
        "section": "markets",
        "authors": ["ananya-rao"],
        "dateline": "MUMBAI",
        "published": "2000-04-17T18:20",
        "access": "metered",
        "body": [
            (
                "Indian software and media stocks crashed as the sell-off in US technology "
                "shares spread to Asian markets, with several of last year's best-performing "
                "companies falling by the maximum amount allowed in a single day. The BSE "
                "Sensex fell sharply, dragged down by the heavyweight technology counters that "
                "now account for a large part of its value."
            ),
            (
                "The Nasdaq Composite index in New York recorded its worst week on record on "
                "Friday, falling by about a quarter, as investors questioned the valuations of "
                "internet and software companies that have yet to make a profit. Markets "
                "across Asia tumbled as trading opened this morning, with technology-heavy "
                "exchanges in Seoul, Tokyo and Hong Kong among the hardest hit."
            ),
            (
                "In Mumbai, shares of mid-sized software exporters such as Coromandel Infotech "
                "and Sahyadri Systems hit their lower circuit limits within minutes of the "
                "opening, and buyers remained scarce through the day. Brokers said many retail "
                "investors had bought technology shares with borrowed money in recent months "
                "and were being forced to sell to meet margin calls."
            ),
            (
                "> Six months ago you could not find a seller. Today you cannot find a buyer. "
                "That is how bubbles end. — Haresh Doshi, broker and member of the Bombay "
                "Stock Exchange"
            ),
            (
                "Shares of old-economy companies, such as cement, steel and consumer goods "
                "makers, held up relatively well, and some fund managers said they were using "
                "the fall to shift money out of technology. Market regulators said they were "
                "monitoring the situation closely and that the settlement system was "
                "functioning normally."
            ),
            (
                "Analysts said the long-term prospects of the Indian software industry, which "
                "has been growing its exports by more than 50 per cent a year, remained "
                "strong. But they said the prices paid for many companies had assumed that "
                "such growth would continue indefinitely, and that a correction had been long "
                "overdue."
            ),
        ],
    },
    {
        "slug": "sensex-slumps-as-attacks-on-us-jolt-global-markets",
        "headline": "Sensex slumps as attacks on US jolt global markets",
        "standfirst": (
            "With Wall Street closed, investors sold shares across Asia and bought gold. "
            "Exporters with large American clients were among the hardest hit."
        ),
        "section": "markets",
        "authors": ["ananya-rao"],
        "dateline": "MUMBAI",
        "published": "2001-09-12T18:30",
        "access": "metered",
        "body": [
            (
                "Indian shares fell sharply as investors reacted to the terrorist attacks in "
                "New York and Washington, joining a sell-off across Asian markets while stock "
                "exchanges in the United States remained closed. The BSE Sensex fell to its "
                "lowest level in several years, with software companies that earn most of "
                "their revenue from American clients among the biggest losers."
            ),
            (
                "The attacks, in which hijacked airliners were flown into the World Trade "
                "Center and the Pentagon, have plunged financial markets into deep "
                "uncertainty. Wall Street exchanges did not open on Tuesday and will remain "
                "shut today, and several banks and brokerages with offices in lower Manhattan "
                "have been unable to contact their staff."
            ),
            "## Flight to safety",
            (
                "Gold prices rose sharply in Mumbai's bullion market as investors sought "
                "safety, and oil prices jumped on fears of disruption to supplies from the "
                "Middle East. The rupee weakened against the dollar, and the Reserve Bank of "
                "India said it would ensure adequate liquidity in the money and foreign "
                "exchange markets and was monitoring the situation closely."
            ),
            (
                "Software executives said it was too early to assess the impact on their "
                "business, but several companies with clients in the financial services "
                "industry in New York said they were setting up emergency teams to help "
                "restore systems. Shares of airlines and travel companies also fell on "
                "expectations that air travel would be disrupted for weeks."
            ),
            (
                "Brokers said there had been panic selling in the first hour of trade, which "
                "eased somewhat as institutional investors stepped in to buy blue-chip shares. "
                "But they expected volatility to continue until US markets reopen and "
                "investors can gauge the response of the American economy, which was already "
                "slowing before the attacks."
            ),
        ],
    },
    {
        "slug": "trading-halted-twice-as-sensex-suffers-record-one-day-fall",
        "headline": "Trading halted twice as Sensex suffers record one-day fall",
        "standfirst": (
            "Fears over the economic policies of the incoming coalition sparked panic selling. "
            "The finance ministry and regulators moved to reassure investors."
        ),
        "section": "markets",
        "authors": ["ananya-rao", "rohan-deshpande"],
        "dateline": "MUMBAI",
        "published": "2004-05-17T17:45",
        "access": "metered",
        "body": [
            (
                "Indian shares suffered their biggest one-day fall on record, forcing "
                "exchanges to halt trading twice, as investors panicked over the possible "
                "economic policies of the coalition government that is expected to take office "
                "this week. At its lowest point the BSE Sensex was down more than 15 per cent, "
                "before it recovered some ground in the final hour of trading."
            ),
            (
                "The sell-off was triggered by remarks from Left party leaders, whose support "
                "the incoming coalition will need in Parliament, questioning the sale of "
                "government stakes in state-owned companies. Shares of public sector companies "
                "that had been candidates for privatisation were among the worst hit, along "
                "with banks and brokerages that had funded heavy positions in the market."
            ),
            "[[more]]",
            "## Regulators step in",
            (
                "The Securities and Exchange Board of India said it was investigating whether "
                "the fall had been aggravated by deliberate short-selling, and exchanges "
                "relaxed margin requirements to ease the pressure on brokers. The Reserve Bank "
                "said it would provide liquidity to banks if required. Officials said the "
                "market's payment systems had functioned without disruption."
            ),
            (
                "Leaders of the incoming coalition sought to calm investors during the day, "
                "saying the new government would continue economic reforms and would not "
                "reverse policies that had helped the economy grow. Brokers said the "
                "statements helped stem the decline in the afternoon, though they expected "
                "markets to remain nervous until the coalition publishes its common minimum "
                "programme."
            ),
            (
                "The fall wiped out a large part of the gains Indian shares had made in recent "
                "months, when foreign investors poured money into the market on expectations "
                "that the previous government would be returned to power. Foreign "
                "institutional investors were net sellers on Friday and again today, according "
                "to provisional data, though the extent of their selling was not yet clear."
            ),
        ],
    },
    {
        "slug": "lehman-collapse-jolts-dalal-street-as-rbi-eases-cash-squeeze",
        "headline": "Lehman collapse jolts Dalal Street as RBI moves to ease cash squeeze",
        "standfirst": (
            "Banks rushed to assess their exposure to the failed US investment bank, while the "
            "central bank announced steps to add cash to the money market."
        ),
        "section": "markets",
        "authors": ["rohan-deshpande"],
        "dateline": "MUMBAI",
        "published": "2008-09-16T19:10",
        "access": "metered",
        "body": [
            (
                "Indian shares fell sharply for a second day and overnight money market rates "
                "jumped as the bankruptcy of Lehman Brothers and the sale of Merrill Lynch "
                "sent tremors through global markets. The Reserve Bank of India announced "
                "measures to ease a shortage of cash in the banking system, including a "
                "temporary window allowing banks to borrow more against their holdings of "
                "government bonds."
            ),
            (
                "Lehman, the fourth-largest investment bank in the United States, filed for "
                "bankruptcy protection after attempts to find a buyer collapsed over the "
                "weekend. Bank of America agreed to buy Merrill Lynch, and the insurer AIG was "
                "seeking emergency funding. In Mumbai, call money rates rose well above the "
                "central bank's policy rate as banks hoarded cash."
            ),
            "[[more]]",
            "## Exposure checks",
            (
                "Several Indian banks said their direct exposure to Lehman was small and that "
                "they had adequate capital to absorb any losses. Bankers said the greater "
                "concern was a broader tightening of credit, as foreign banks pull back "
                "lending and companies that raised money overseas struggle to roll over their "
                "debts. Shares of banks with international operations were among the biggest "
                "losers."
            ),
            (
                "> Nobody knows who is holding what. Until that is clear, no one wants to lend "
                "to anyone. — Ashok Bhandari, treasurer at a private sector bank"
            ),
            (
                "Foreign institutional investors have sold Indian shares worth billions of "
                "dollars this year, and the rupee has weakened steadily against the dollar. "
                "The central bank said it would also sell dollars where needed to ensure "
                "orderly conditions in the currency market, and dealers said it had been seen "
                "selling through state-run banks."
            ),
            (
                "Finance ministry officials said the Indian economy was less exposed to the "
                "crisis than many others because its banks had limited holdings of the complex "
                "securities at the heart of the turmoil. But economists warned that growth, "
                "already slowing because of high interest rates and inflation, would be hit "
                "further as global demand weakens and financing costs rise."
            ),
        ],
    },
    {
        "slug": "factory-activity-expands-at-fastest-pace-in-five-months",
        "headline": "Factory activity expands at fastest pace in five months, survey shows",
        "standfirst": (
            "New export orders and hiring both picked up, though manufacturers reported a "
            "faster rise in input costs."
        ),
        "section": "economy",
        "authors": ["meera-krishnan"],
        "dateline": "NEW DELHI",
        "published": "days_ago:1",
        "access": "metered",
        "body": [
            (
                "Activity in India's manufacturing sector expanded at the fastest pace in five "
                "months, according to a private survey of purchasing managers, helped by a "
                "pick-up in new orders at home and abroad. The headline index rose to 58.4 "
                "from 56.9 in the previous month, comfortably above the 50 mark that separates "
                "growth from contraction."
            ),
            (
                "New export orders rose at the quickest pace in more than a year, with "
                "manufacturers reporting stronger demand from clients in Asia, the Middle East "
                "and Africa. Companies also added staff at a solid rate, the survey showed, as "
                "they sought to keep up with rising order books. Consumer goods producers "
                "recorded the strongest growth among the broad sectors covered."
            ),
            "## Costs creep up",
            (
                "The survey showed that input costs rose at a faster rate than in recent "
                "months, driven by higher prices for metals, chemicals and freight. "
                "Manufacturers passed on part of the increase to customers, with output prices "
                "rising at a moderate pace. Economists said the data were consistent with "
                "inflation staying close to the central bank's target in the near term."
            ),
            (
                "The figures add to evidence that the economy has held up well despite weak "
                "global growth. Separate data on tax collections, electricity demand and "
                "freight traffic have also been firm in recent weeks. Economists said, "
                "however, that private investment in new capacity remained patchy, with much "
                "of it concentrated in a handful of sectors such as electronics and renewable "
                "energy."
            ),
            (
                "A similar survey of the services sector, due in the coming days, will give a "
                "fuller picture of the economy. Services, which account for more than half of "
                "output, have been growing at a robust pace, though recent surveys have shown "
                "some moderation in new business from overseas clients."
            ),
        ],
    },
    {
        "slug": "gst-collections-rise-9-per-cent-as-domestic-transactions-pick-up",
        "headline": "GST collections rise 9% as domestic transactions pick up",
        "standfirst": (
            "Revenue from domestic transactions grew faster than tax collected on imports, "
            "official data showed."
        ),
        "section": "economy",
        "authors": [],
        "agency": "pti",
        "dateline": "NEW DELHI",
        "published": "days_ago:3",
        "access": "metered",
        "body": [
            (
                "Gross goods and services tax collections rose 9.1 per cent from a year "
                "earlier to about ₹1.87 lakh crore last month, official data showed, helped by "
                "stronger domestic transactions. Revenue from domestic transactions grew 10.2 "
                "per cent, while tax on imports rose 5.8 per cent, according to figures "
                "released by the finance ministry."
            ),
            (
                "Refunds issued during the month amounted to about ₹21,000 crore, up 12 per "
                "cent on the year. After adjusting for refunds, net collections stood at about "
                "₹1.66 lakh crore. Of the gross amount, central GST accounted for ₹34,100 "
                "crore, state GST for ₹42,500 crore and integrated GST for ₹97,300 crore, with "
                "the rest coming from cess."
            ),
            (
                "Tax experts said the growth was in line with the trend of recent months and "
                "reflected steady consumption demand. They said the rise in refunds pointed to "
                "healthy export activity, since exporters claim refunds of the tax paid on "
                "their inputs, and to faster processing of claims by the tax department."
            ),
            (
                "Among the larger states, collections grew fastest in Karnataka, Haryana and "
                "Telangana, while a few smaller states in the east and north-east recorded "
                "modest declines on the year. Officials said the variation reflected "
                "differences in the timing of large transactions and should not be read as a "
                "sign of weakness."
            ),
            (
                "The GST Council is expected to meet in the coming weeks to discuss a proposal "
                "to simplify the rate structure by merging some slabs. States have sought "
                "assurances that any rationalisation will not reduce their revenues, now that "
                "compensation payments from the centre have ended."
            ),
        ],
    },
    {
        "slug": "rbi-rate-setters-hold-fire-signal-patience-on-inflation",
        "headline": "RBI's rate-setters hold fire, signal patience on inflation",
        "standfirst": (
            "The monetary policy committee left the repo rate unchanged for a third straight "
            "meeting and kept its stance neutral, disappointing those who had hoped for a cut."
        ),
        "section": "economy",
        "authors": ["meera-krishnan"],
        "dateline": "MUMBAI",
        "published": "days_ago:6",
        "access": "metered",
        "body": [
            (
                "The Reserve Bank of India's monetary policy committee left its main lending "
                "rate unchanged for a third consecutive meeting and retained a neutral stance, "
                "saying it wanted more evidence that food inflation had been brought under "
                "control before easing further. Five of the six members voted to hold the "
                "rate, while one external member voted for a cut of 25 basis points."
            ),
            (
                "The central bank kept its forecast for economic growth in the current "
                "financial year unchanged and nudged its inflation projection slightly lower, "
                "citing softer vegetable prices and stable fuel costs. It said core inflation, "
                "which strips out food and fuel, had remained subdued, but warned that weather "
                "shocks and global commodity prices posed risks."
            ),
            "[[more]]",
            (
                "![Step chart of the policy repo rate over the last eight meetings: unchanged "
                "for three meetings, cut twice by 25 basis points, then held for three "
                "meetings](demo/repo-rate-path.svg) The policy rate has been on hold for three "
                "meetings after two cuts. Illustrative figures."
            ),
            (
                "Bond yields rose slightly after the announcement as some traders had "
                "positioned for a cut, while the rupee was little changed. Banks said they did "
                "not expect to change lending rates in the near term, since much of the "
                "earlier reduction in the policy rate had already been passed on to borrowers "
                "with loans linked to external benchmarks."
            ),
            (
                "> The committee is telling markets that the next move is still a cut, but not "
                "until it is sure. — Shalini Gupta, chief economist, Anchorage Research"
            ),
            (
                "The central bank also announced a reduction in the share of deposits that "
                "banks must hold with it as cash, to be implemented in two stages. Economists "
                "said the move would support credit growth and help transmit earlier rate "
                "cuts, and could be a sign that the committee was preparing the ground for "
                "further easing in the months ahead."
            ),
        ],
    },
    {
        "slug": "explainer-what-the-current-account-deficit-tells-you",
        "headline": "Explainer: What the current account deficit tells you, and what it doesn't",
        "standfirst": (
            "The current account is one of the most watched numbers in Indian economics. Here "
            "is what goes into it, why it matters for the rupee, and why a deficit is not "
            "always bad news."
        ),
        "section": "economy",
        "authors": ["meera-krishnan"],
        "dateline": "MUMBAI",
        "published": "days_ago:10",
        "access": "free",
        "body": [
            (
                "The current account records a country's transactions with the rest of the "
                "world in goods, services, income and transfers. When a country imports more "
                "than it exports and pays out more in interest and dividends than it receives, "
                "it usually runs a deficit. India has run a current account deficit in most "
                "years, largely because it imports most of the crude oil and a great deal of "
                "the gold it consumes."
            ),
            "## The moving parts",
            (
                "The trade deficit in goods is usually large. It is partly offset by a surplus "
                "in services, driven by software and business services exports, and by "
                "remittances from Indians working abroad, which are among the largest in the "
                "world. The balance on investment income, such as interest and dividends paid "
                "to foreign investors, is usually negative and has grown as foreign investment "
                "has increased."
            ),
            "## Why it matters",
            (
                "A deficit has to be financed by capital flowing in, whether as foreign direct "
                "investment, portfolio investment in shares and bonds, or borrowing. If those "
                "flows dry up, the currency comes under pressure and the central bank may have "
                "to sell reserves. In 1991 and again in 2013, a wide deficit combined with "
                "nervous investors contributed to episodes of severe stress on the rupee."
            ),
            "## Not always a warning sign",
            (
                "A moderate deficit can be healthy for a fast-growing economy that needs to "
                "import machinery and energy in order to invest. Economists generally regard a "
                "deficit of around 2 to 2.5 per cent of GDP as sustainable for India, provided "
                "it is financed mainly by stable long-term flows. A sudden surplus, by "
                "contrast, can signal weak domestic demand, as imports fall when the economy "
                "slows."
            ),
            (
                "The data are published every quarter by the <a "
                'href="https://www.rbi.org.in/">Reserve Bank of India</a> with a lag of '
                "about three months, and are often revised. Analysts therefore also track "
                "monthly trade data and oil prices to judge which way the current account is "
                "heading, and what that might mean for the rupee."
            ),
        ],
    },
    {
        "slug": "small-town-lenders-report-rising-stress-in-microfinance-loans",
        "headline": "Small-town lenders report rising stress in microfinance loans",
        "standfirst": (
            "Overdue loans are climbing as borrowers juggle loans from several lenders. "
            "Tighter norms are on the way, but a squeeze on credit could hurt the poorest "
            "households."
        ),
        "section": "economy",
        "authors": ["rohan-deshpande"],
        "dateline": "MUMBAI",
        "published": "days_ago:17",
        "access": "premium",
        "body": [
            (
                "Lenders to low-income households in small towns and villages are reporting a "
                "sharp rise in overdue loans, as borrowers who took on multiple loans from "
                "different lenders struggle to keep up with repayments. The share of "
                "microfinance loans overdue by more than 30 days has roughly doubled over a "
                "year in several states, according to credit bureau data reviewed by The "
                "Meridian Ledger."
            ),
            (
                "Executives at three microfinance lenders said the stress was concentrated "
                "among borrowers with loans from four or more lenders, a group that had grown "
                "quickly as competition intensified. Some lenders had relaxed checks on "
                "borrowers' existing debt to meet growth targets, they said, leaving "
                "households with monthly repayments far beyond what their incomes could "
                "support."
            ),
            "[[more]]",
            "## A familiar cycle",
            (
                "The sector has been through similar episodes before, most notably more than a "
                "decade ago, when a crisis in one southern state led to a collapse in "
                "repayments and a wave of regulation. Since then, lending has shifted from "
                "non-profit organisations to regulated finance companies and small finance "
                "banks, which are subject to central bank rules on pricing and borrower "
                "indebtedness."
            ),
            (
                "> Growth was rewarded and caution was not. Now everyone is paying for it, "
                "most of all the borrowers. — Deepa Nair, managing director, Sahaj "
                "Microfinance"
            ),
            (
                "Industry bodies have introduced voluntary limits on the number of lenders "
                "that can lend to a single borrower and on the total debt a household can "
                "carry. Lenders have also cut disbursements, with new loans falling by about a "
                "fifth in the most recent quarter. Analysts said the tightening was necessary "
                "but could push some households towards informal moneylenders charging far "
                "higher rates."
            ),
            (
                "Listed microfinance lenders and small finance banks have set aside higher "
                "provisions, hurting their profits, and their shares have fallen between 20 "
                "and 40 per cent from recent highs. Rating agencies have warned that smaller "
                "lenders with limited access to funding could come under pressure if the "
                "stress persists for several more quarters."
            ),
        ],
    },
    {
        "slug": "farm-wages-rise-faster-than-inflation-for-first-time-in-two-years",
        "headline": "Farm wages rise faster than inflation for the first time in two years",
        "standfirst": (
            "Real rural wages have turned positive, official data show, a boost for consumer "
            "companies that depend on village demand."
        ),
        "section": "economy",
        "authors": ["meera-krishnan"],
        "dateline": "NEW DELHI",
        "published": "days_ago:24",
        "access": "metered",
        "body": [
            (
                "Wages paid to agricultural labourers rose faster than retail inflation for "
                "the first time in two years, according to official data, giving a lift to "
                "rural purchasing power after a long period of stagnation. Nominal farm wages "
                "rose 7.4 per cent from a year earlier in the most recent month for which data "
                "are available, while rural inflation was 5.1 per cent."
            ),
            (
                "Non-agricultural rural wages, which include construction and other casual "
                "work, rose 6.8 per cent. Economists said the improvement reflected a good "
                "harvest, higher government spending on rural roads and housing, and a "
                "shortage of labour in some states as workers have migrated to cities for "
                "construction jobs."
            ),
            "## Good news for consumer firms",
            (
                "The data will be welcomed by makers of consumer goods, two-wheelers and "
                "tractors, which have reported weak demand in villages for several quarters. "
                "Several large consumer companies have said in recent weeks that rural sales "
                "were now recovering faster than urban sales, reversing the pattern of the "
                "past two years."
            ),
            (
                "Economists cautioned that the wage data, collected from a sample of villages "
                "across 20 states, can be volatile from month to month. They said a sustained "
                "improvement would depend on farm incomes holding up, which in turn depends on "
                "crop prices and the weather, and on continued spending on rural "
                "infrastructure by the centre and the states."
            ),
            (
                "The improvement also comes against a low base. Real wages fell or stagnated "
                "for much of the previous two years, when inflation was higher, and the gains "
                "so far have only partly made up for that decline. Researchers who track rural "
                "labour markets said many households had taken on debt to cope, which could "
                "weigh on spending even as incomes rise."
            ),
        ],
    },
    {
        "slug": "major-ports-handle-record-cargo-as-coastal-shipping-gains",
        "headline": "Major ports handle record cargo as coastal shipping gains ground",
        "standfirst": (
            "Cargo handled by the 12 major ports rose 6% over the past six months, with "
            "coastal traffic growing twice as fast as overall volumes."
        ),
        "section": "economy",
        "authors": ["meera-krishnan"],
        "dateline": "NEW DELHI",
        "published": "days_ago:36",
        "access": "metered",
        "body": [
            (
                "India's major ports handled a record volume of cargo over the past six "
                "months, with coastal shipping growing at twice the rate of overall traffic, "
                "according to data from the ports ministry. The 12 ports controlled by the "
                "central government handled about 430 million tonnes, up 6 per cent from the "
                "same period a year earlier."
            ),
            (
                "Coastal cargo, mostly coal, cement, fertiliser and petroleum products moved "
                "between Indian ports, grew about 12 per cent. Shipping companies said coastal "
                "routes had become more competitive with rail and road after changes to "
                "cabotage rules and lower port charges for coastal vessels, and as dedicated "
                "berths for coastal ships cut waiting times."
            ),
            (
                "Container traffic rose 7 per cent, with strong growth at ports on the western "
                "coast that serve the industrial belts of Gujarat and Maharashtra. Officials "
                "said average turnaround times for ships had fallen to just under two days, "
                "compared with more than four days a decade ago, as ports invested in "
                "mechanised berths and digitised paperwork."
            ),
            (
                "> For a bulk shipper in the east, moving cement by sea to the south is now "
                "often cheaper than rail. That was not true five years ago. — Arun Pillai, "
                "chief executive, Konkan Coastal Lines"
            ),
            (
                "Economists said the data were a positive sign for merchandise trade and "
                "industrial activity, though part of the growth reflected higher coal "
                "shipments to power plants. Private ports, which now handle a little under "
                "half of India's total cargo, have been growing faster than the major ports, "
                "and several are expanding capacity."
            ),
            (
                "The government has set a goal of doubling coastal cargo over the next decade, "
                "partly to reduce congestion on roads and railways. Industry groups said the "
                "target was achievable but would require faster approvals for new berths, more "
                "Indian-flagged ships and better connections between ports and inland "
                "industrial centres."
            ),
        ],
    },
    {
        "slug": "rupee-crashes-past-68-as-emerging-market-rout-deepens",
        "headline": "Rupee crashes past 68 to the dollar as emerging-market rout deepens",
        "standfirst": (
            "The currency suffered its biggest one-day fall in nearly two decades as oil "
            "importers scrambled for dollars and investors fled emerging markets ahead of a "
            "possible Fed pullback."
        ),
        "section": "economy",
        "authors": ["meera-krishnan", "rohan-deshpande"],
        "dateline": "MUMBAI",
        "published": "2013-08-28T20:30",
        "access": "premium",
        "body": [
            (
                "The rupee suffered its steepest one-day fall in nearly two decades, briefly "
                "breaching 68 to the dollar, as oil companies rushed to buy dollars and "
                "foreign investors pulled money out of emerging markets on expectations that "
                "the US Federal Reserve will soon begin scaling back its stimulus. The "
                "currency has lost about a fifth of its value since May."
            ),
            (
                "Dealers said state-run oil refiners, which need about $8 billion a month to "
                "pay for crude imports, had been the biggest buyers of dollars, and that "
                "speculative positions had added to the pressure. The central bank was seen "
                "selling dollars through state-run banks but did not appear to be defending "
                "any particular level, traders said."
            ),
            "[[more]]",
            "## Fed fears",
            (
                "The turmoil has spread across emerging markets with large current account "
                "deficits, including Indonesia, Turkey and Brazil, since the Fed signalled in "
                "May that it could start reducing its bond purchases later this year. "
                "Investors have been pulling money out of bonds and shares in those countries, "
                "reversing years of inflows fuelled by near-zero interest rates in the United "
                "States."
            ),
            (
                "India's current account deficit reached a record 4.8 per cent of gross "
                "domestic product in the last financial year, driven by imports of oil and "
                "gold, and economists say the country's dependence on volatile portfolio flows "
                "to finance it has left the rupee exposed. Measures taken in recent weeks, "
                "including curbs on gold imports and on overseas investment by residents, have "
                "failed to restore confidence."
            ),
            (
                "> The market wants to see a credible plan to close the deficit, not a series "
                "of one-off measures. — Sanjay Bhatia, head of currency trading at a foreign "
                "bank in Mumbai"
            ),
            (
                "Indian shares also fell, and government bond yields rose to their highest "
                "level in five years. Late in the day, the central bank said it would open a "
                "special window to sell dollars directly to the three state-run oil marketing "
                "companies, a move aimed at taking their large and regular demand out of the "
                "market."
            ),
        ],
    },
    {
        "slug": "long-queues-as-banks-reopen-after-high-value-notes-withdrawn",
        "headline": "Long queues as banks reopen after high-value notes are withdrawn",
        "standfirst": (
            "Customers lined up from dawn to exchange and deposit ₹500 and ₹1,000 notes that "
            "ceased to be legal tender on Tuesday night. ATMs are expected to reopen on "
            "Friday."
        ),
        "section": "economy",
        "authors": ["rohan-deshpande"],
        "dateline": "MUMBAI",
        "published": "2016-11-10T19:00",
        "access": "metered",
        "body": [
            (
                "Long queues formed outside bank branches across the country as they reopened "
                "to the public for the first time since the government withdrew ₹500 and "
                "₹1,000 notes from circulation, ending their status as legal tender. Many "
                "customers arrived before dawn to exchange old notes or deposit them, and "
                "several branches extended their working hours to cope with the rush."
            ),
            (
                "Under the rules announced by the government and the Reserve Bank, individuals "
                "can exchange up to ₹4,000 in old notes for new currency at bank counters on "
                "showing proof of identity, while there is no limit on deposits into bank "
                "accounts. Cash withdrawals from accounts have been capped at ₹10,000 a day "
                "and ₹20,000 a week for now."
            ),
            "## Small businesses hit",
            (
                "Traders in wholesale markets, which run largely on cash, said business had "
                "slowed sharply since the announcement. Vegetable sellers, taxi drivers and "
                "small shopkeepers said customers were unable to pay because they had only "
                "high-value notes, which together accounted for the bulk of the currency in "
                "circulation by value. Some shops were accepting old notes at a discount, "
                "while others had switched to mobile wallets."
            ),
            (
                "> My customers have money, but it is the wrong money. For two days I have "
                "hardly sold anything. — Salim Shaikh, vegetable wholesaler, Vashi"
            ),
            (
                "Bankers said they expected deposits to surge in the coming weeks as people "
                "put old notes into their accounts, which would give banks more room to cut "
                "lending rates. They said the supply of new notes to branches was the main "
                "constraint, and that ATMs, which are due to reopen on Friday, would need to "
                "be recalibrated to dispense the new designs."
            ),
            (
                "The government has said the move is aimed at curbing black money, counterfeit "
                "currency and the financing of terrorism. Economists said it could cause a "
                "short-term slowdown in consumer spending, particularly in rural areas and the "
                "informal economy, but that the longer-term effect would depend on how much of "
                "the currency returned to the banking system."
            ),
        ],
    },
    {
        "slug": "gst-goes-live-one-tax-many-questions-for-traders",
        "headline": "GST goes live: one tax, many questions for traders",
        "standfirst": (
            "The goods and services tax replaced a tangle of central and state levies at "
            "midnight. Businesses say they are ready in principle, but many small traders are "
            "unsure how to file returns."
        ),
        "section": "economy",
        "authors": ["meera-krishnan"],
        "dateline": "NEW DELHI",
        "published": "2017-07-01T09:30",
        "access": "metered",
        "body": [
            (
                "India's goods and services tax came into force at midnight, replacing more "
                "than a dozen central and state levies with a single national tax on goods and "
                "services in the biggest overhaul of the country's indirect tax system since "
                "independence. The launch was marked at a special midnight session in the "
                "Central Hall of Parliament."
            ),
            (
                "Under the new system, most goods and services will be taxed at one of four "
                "rates, 5, 12, 18 or 28 per cent, with some essential items exempt and a cess "
                "levied on luxury and so-called sin goods such as cars and tobacco. "
                "Checkpoints at state borders, where trucks have often waited for hours, are "
                "to be dismantled because goods moving between states no longer need separate "
                "state tax clearance."
            ),
            "## Small traders unsure",
            (
                "Large companies said they had spent months upgrading accounting systems and "
                "training staff, and were confident of a smooth transition. But in wholesale "
                "markets in the capital, many small traders said they did not yet understand "
                "how to register, issue invoices or file returns online, and some said they "
                "had stopped taking orders until the picture became clearer."
            ),
            (
                "> We have been told everything will be online. Half of my suppliers do not "
                "even have a computer. — Rakesh Bansal, textile wholesaler, Chandni Chowk"
            ),
            (
                "Tax officials said businesses would have two months to file their first "
                "returns and that penalties for minor errors would be waived in the initial "
                "period. Help desks have been set up in tax offices across the country. "
                "Economists expect some disruption to supply chains in the first few months as "
                "companies and traders adjust, followed by gains in efficiency as the system "
                "beds in."
            ),
            (
                "States, which have given up much of their power to levy taxes, have been "
                "promised compensation by the centre for any shortfall in revenue for five "
                "years, funded by the cess. The GST Council, made up of the Union finance "
                "minister and state finance ministers, will continue to meet regularly to "
                "revise rates and resolve problems."
            ),
        ],
    },
    {
        "slug": "rbi-cuts-repo-rate-first-reduction-in-nearly-five-years",
        "headline": "RBI cuts repo rate to 6.25%, its first reduction in nearly five years",
        "standfirst": (
            "The monetary policy committee lowered the rate by 25 basis points and kept its "
            "neutral stance, citing easing inflation and slowing growth."
        ),
        "section": "economy",
        "authors": ["meera-krishnan"],
        "dateline": "MUMBAI",
        "published": "2025-02-07T12:30",
        "access": "metered",
        "body": [
            (
                "The Reserve Bank of India cut its main lending rate by 25 basis points to "
                "6.25 per cent, the first reduction since May 2020, as the central bank "
                "shifted its focus to supporting an economy that has lost momentum while "
                "inflation has eased from recent highs. The monetary policy committee retained "
                "its neutral stance, leaving itself room to respond to incoming data."
            ),
            (
                "The decision had been widely expected by economists after recent data showed "
                "growth slowing and retail inflation moving back towards the central bank's 4 "
                "per cent target. The central bank said it expected inflation to ease further "
                "in the coming financial year, helped by a good harvest, though it warned that "
                "volatile food prices and a weaker rupee remained risks."
            ),
            (
                "Bond yields fell slightly after the announcement, and banking shares were "
                "mixed. Bankers said the cut would be passed on quickly to borrowers with "
                "loans linked to the repo rate, which now make up a large share of home loans "
                "and loans to small businesses, but that deposit rates would take longer to "
                "adjust because banks are competing hard for funds."
            ),
            "## Liquidity in focus",
            (
                "The central bank also said it would continue to manage liquidity in the "
                "banking system, which has been tight in recent weeks partly because of its "
                "own sales of dollars to support the rupee. It has already announced bond "
                "purchases and longer-term repo operations to add cash, and said it was "
                "prepared to take further steps if required."
            ),
            (
                "Economists said the cut, coming shortly after a budget that offered income "
                "tax relief to middle-class earners, signalled a coordinated effort to revive "
                "consumption. Several said they expected one or two more reductions over the "
                "coming year if inflation continues to ease, though the pace would depend on "
                "the rupee and on global interest rates."
            ),
        ],
    },
    {
        "slug": "vyom-silicon-raises-140-million-for-ai-inference-chips",
        "headline": (
            "Bengaluru chip start-up Vyom Silicon raises $140 million for AI inference chips"
        ),
        "standfirst": (
            "The four-year-old company plans to begin volume production of its first chip next "
            "year through a contract manufacturer in Taiwan."
        ),
        "section": "technology",
        "authors": ["farhan-qureshi"],
        "dateline": "BENGALURU",
        "published": "days_ago:0",
        "access": "metered",
        "body": [
            (
                "Vyom Silicon, a Bengaluru-based company that designs chips for running "
                "artificial intelligence models, has raised $140 million in a funding round "
                "led by Qamar Ventures, a Gulf-based technology investor, in one of the "
                "largest investments yet in an Indian semiconductor start-up. Existing "
                "investors, including two domestic venture capital firms, also took part, the "
                "company said."
            ),
            (
                "The four-year-old company designs chips optimised for inference, the process "
                "of running trained AI models to answer queries, rather than for training "
                "them. It says its first product, which has been tested with several data "
                "centre operators, uses about 40 per cent less power than comparable graphics "
                "processors for common language and vision workloads."
            ),
            "[[more]]",
            "## From design to production",
            (
                "Vyom will use the money to begin volume production through a contract "
                "manufacturer in Taiwan, expand its engineering team of about 260 people and "
                "build a software toolkit that lets customers move existing models to its "
                "chips with minimal changes. The company said it expected to start shipping to "
                "customers next year, initially in India and the Middle East."
            ),
            (
                "> Inference is where the volume is. Every company that deploys AI will pay "
                "for inference every day, and they care about power bills. — Ritu Mahajan, "
                "co-founder and chief executive, Vyom Silicon"
            ),
            (
                "India has a large pool of chip designers, many of whom work at the local "
                "centres of global semiconductor companies, but few home-grown firms have "
                "built products of their own. Government incentives for chip design, which "
                "reimburse part of development costs, have encouraged a wave of start-ups, "
                "though investors say most will need far more capital than is available "
                "domestically."
            ),
            (
                "Analysts said Vyom faces formidable competition from established chipmakers "
                "and from large cloud companies that design their own inference chips. Its "
                "prospects would depend on winning a few large customers quickly and on "
                "delivering software that developers find easy to use, they said, since "
                "hardware alone rarely wins such contracts."
            ),
        ],
    },
    {
        "slug": "telecom-operators-seek-relief-on-spectrum-dues-ahead-of-auction",
        "headline": "Telecom operators seek relief on spectrum dues ahead of auction",
        "standfirst": (
            "The industry wants longer payment terms and lower reserve prices, arguing that "
            "heavy upfront costs are holding back investment in 5G networks."
        ),
        "section": "technology",
        "authors": ["farhan-qureshi"],
        "dateline": "NEW DELHI",
        "published": "days_ago:2",
        "access": "premium",
        "body": [
            (
                "Telecom operators have asked the government to extend payment terms for "
                "spectrum bought in previous auctions and to lower reserve prices for the next "
                "sale, arguing that heavy dues are crimping their ability to invest in 5G "
                "networks and rural coverage. The requests were made in submissions to the "
                "telecom department and the sector regulator, which is preparing its "
                "recommendations for the auction."
            ),
            (
                "The industry association representing private operators said its members had "
                "paid or committed more than ₹4 lakh crore for spectrum over the past decade, "
                "and that annual instalments now consumed a large share of their operating "
                "cash flows. It proposed stretching instalments over 30 years rather than 20, "
                "and reducing the interest rate charged on deferred payments."
            ),
            "## Prices under scrutiny",
            (
                "Operators have also argued that reserve prices for several bands, "
                "particularly the millimetre-wave frequencies used for high-capacity 5G, are "
                "too high given weak demand for that spectrum. Large chunks of spectrum in "
                "some bands went unsold in recent auctions, and the industry says pricing "
                "closer to international benchmarks would lead to more efficient use of a "
                "scarce national resource."
            ),
            (
                "Officials in the telecom department said the government had already provided "
                "relief through a moratorium on dues and by converting some interest into "
                "equity stakes. They said further concessions would have to be weighed against "
                "the revenue the exchequer expects from the auction, which has been budgeted "
                "at a substantial sum."
            ),
            (
                "> Every rupee paid for spectrum is a rupee not spent on towers and fibre. The "
                "question is what the country wants more. — Gaurav Khanna, telecom analyst, "
                "Lattice Advisory"
            ),
            (
                "Analysts said the operators' finances had improved after several rounds of "
                "tariff increases, which had raised average revenue per user, and that the "
                "government was unlikely to agree to all their demands. A compromise that "
                "lowers reserve prices in bands where demand is weak, while keeping payment "
                "terms broadly unchanged, is seen as the most likely outcome."
            ),
        ],
    },
    {
        "slug": "explainer-how-a-semiconductor-fab-turns-sand-into-chips",
        "headline": "Explainer: How a semiconductor fab turns sand into chips",
        "standfirst": (
            "India is spending heavily to attract chip factories. Here is what actually "
            "happens inside one, and why they are so expensive to build."
        ),
        "section": "technology",
        "authors": ["farhan-qureshi"],
        "dateline": "BENGALURU",
        "published": "days_ago:4",
        "access": "free",
        "body": [
            (
                "A semiconductor fabrication plant, or fab, turns wafers of ultra-pure "
                "silicon, refined from ordinary quartz sand, into chips carrying billions of "
                "microscopic transistors. Building a leading-edge fab can cost more than $20 "
                "billion, and even plants making older, simpler chips for cars and appliances "
                "cost several billion dollars. India has offered to cover half or more of the "
                "cost of approved projects to attract manufacturers."
            ),
            (
                "![Diagram of the main steps in chip manufacturing: silicon wafer, deposition, "
                "lithography, etching and doping, which are repeated many times, followed by "
                "testing and packaging](demo/chip-fab-steps.svg) The main stages of chip "
                "manufacturing. Steps two to five are repeated dozens of times."
            ),
            "## Layer by layer",
            (
                "The process starts with a polished silicon wafer. Thin films of material are "
                "deposited on its surface and coated with a light-sensitive resist. In "
                "lithography, light shone through a patterned mask prints the circuit design "
                "onto the coating. Etching then removes material where it is not wanted, and "
                "doping adds impurities that change the electrical properties of the silicon. "
                "The cycle is repeated dozens of times to build up the chip's layers."
            ),
            "## Why it is so hard",
            (
                "The features on modern chips are measured in nanometres, thousands of times "
                "thinner than a human hair, so a single speck of dust can ruin a chip. Fabs "
                "therefore operate clean rooms far cleaner than a hospital operating theatre, "
                "need huge volumes of ultra-pure water and uninterrupted power, and rely on "
                "machines made by a handful of specialised suppliers."
            ),
            (
                "Once the wafer is finished, it is tested, cut into individual chips and "
                "packaged so that the chips can be connected to circuit boards. Packaging and "
                "testing, often called the back end, requires far less capital than "
                "fabrication, which is why several of the first semiconductor projects in "
                "India are assembly and test plants rather than fabs."
            ),
        ],
    },
    {
        "slug": "electric-two-wheeler-makers-race-to-cut-battery-costs",
        "headline": "Electric two-wheeler makers race to cut battery costs as subsidies fade",
        "standfirst": (
            "Companies are turning to cheaper battery chemistries and locally made cells to "
            "keep prices close to those of petrol scooters."
        ),
        "section": "technology",
        "authors": ["farhan-qureshi"],
        "dateline": "BENGALURU",
        "published": "days_ago:8",
        "access": "metered",
        "body": [
            (
                "Makers of electric scooters and motorcycles are racing to cut battery costs "
                "as government subsidies are scaled back, switching to cheaper cell "
                "chemistries and signing deals with domestic cell manufacturers to keep prices "
                "close to those of petrol models. Electric vehicles now account for about 7 "
                "per cent of two-wheeler sales, up from less than 1 per cent five years ago, "
                "according to registration data."
            ),
            (
                "![Line chart of electric models' share of two-wheeler sales over the last "
                "twelve quarters, rising from under 2 per cent to about 7 per "
                "cent](demo/ev-two-wheeler-share.svg) Electric models' share of two-wheeler "
                "sales has risen steadily. Illustrative figures."
            ),
            (
                "The battery accounts for roughly 40 per cent of the cost of an electric "
                "scooter. Several manufacturers have moved from nickel-based cells to lithium "
                "iron phosphate, which offer less range for the same weight but are cheaper "
                "and less prone to overheating. Prices of battery cells have also fallen "
                "sharply over the past two years as global production capacity has outpaced "
                "demand."
            ),
            "## Local cells",
            (
                "Two of the largest electric two-wheeler companies said they would source a "
                "growing share of cells from domestic factories built under a government "
                "incentive scheme, reducing their exposure to currency swings and import "
                "duties. Executives said locally made cells were still slightly more expensive "
                "than imports, but that the gap would narrow as factories reach full "
                "production."
            ),
            (
                "> The customer does not care about chemistry. He cares whether the scooter "
                "costs the same as a petrol one and whether it starts every morning. — "
                "Abhishek Rao, chief executive, Kestrel Mobility"
            ),
            (
                "Industry executives said demand had held up despite smaller subsidies, helped "
                "by lower running costs and the launch of models aimed at delivery workers who "
                "cover long distances every day. But they warned that sales in smaller towns "
                "still depended on the availability of charging points and service centres, "
                "which remain thin outside large cities."
            ),
        ],
    },
    {
        "slug": "data-protection-rules-what-companies-must-change",
        "headline": "Data protection rules: what companies must change, and how fast",
        "standfirst": (
            "The new rules give businesses 18 months to overhaul how they seek consent, store "
            "personal data and report breaches. Lawyers say many are underestimating the work "
            "involved."
        ),
        "section": "technology",
        "authors": ["farhan-qureshi"],
        "dateline": "NEW DELHI",
        "published": "days_ago:13",
        "access": "premium",
        "body": [
            (
                "Companies that collect personal data from Indian users have 18 months to "
                "overhaul how they seek consent, store information and respond to breaches, "
                "under rules notified by the government to implement the data protection law. "
                "The rules set out detailed requirements for consent notices, security "
                "safeguards and the handling of children's data, and establish how the new "
                "data protection board will operate."
            ),
            (
                "Lawyers and consultants said many companies had underestimated the scale of "
                "the changes. Consent notices must now be presented separately from other "
                "terms, in plain language, and in any of the languages listed in the "
                "Constitution if the user chooses. Users must be able to withdraw consent as "
                "easily as they gave it, and companies must delete data once its purpose has "
                "been served."
            ),
            "[[more]]",
            "## Breach reporting",
            (
                "Companies must report personal data breaches to the board and inform affected "
                "users without delay, followed by a detailed report to the board within 72 "
                "hours. Penalties for failing to take reasonable security safeguards can run "
                "up to ₹250 crore per instance, a level that lawyers said would force boards "
                "of directors to treat data protection as a governance issue rather than a "
                "technical one."
            ),
            (
                "> Most companies do not know where all their personal data is. You cannot "
                "protect what you have not mapped. — Karan Sood, partner, Northgate Legal"
            ),
            (
                "Large platforms designated as significant data fiduciaries face additional "
                "obligations, including annual audits and impact assessments. Start-ups have "
                "sought lighter requirements, and the rules give the government power to "
                "exempt certain classes of businesses. Industry groups said they would press "
                "for clarity on cross-border data transfers, which are allowed except to "
                "countries the government may restrict."
            ),
            (
                "Consultants said the most common gaps were in record-keeping and in contracts "
                "with vendors that process data on a company's behalf. Several large banks and "
                "retailers have set up dedicated programmes, but smaller firms were only "
                "beginning to assess what they need to do, and few had budgeted for the work."
            ),
        ],
    },
    {
        "slug": "payments-firm-tarang-bets-on-upi-credit-lines",
        "headline": "Payments firm Tarang bets on credit lines over UPI as its next growth engine",
        "standfirst": (
            "The company, which processes about a tenth of UPI transactions, says small credit "
            "lines linked to the payments system could double its revenue in three years."
        ),
        "section": "technology",
        "authors": ["farhan-qureshi", "rohan-deshpande"],
        "dateline": "BENGALURU",
        "published": "days_ago:20",
        "access": "metered",
        "body": [
            (
                "Tarang, a Bengaluru-based payments company, plans to make small credit lines "
                "offered through the Unified Payments Interface the centrepiece of its growth "
                "strategy, betting that customers who use UPI to pay for everyday purchases "
                "will also borrow through it. The company processes about a tenth of all UPI "
                "transactions but, like its rivals, earns little from them because merchant "
                "fees on most UPI payments are zero."
            ),
            (
                "Credit lines on UPI allow customers to pay from a pre-approved loan rather "
                "than their bank balance, using the same QR codes and apps. Tarang does not "
                "lend from its own balance sheet; instead it partners with banks and non-bank "
                "lenders, earning a fee for sourcing borrowers and a share of interest income. "
                "Executives said the product could double the company's revenue within three "
                "years."
            ),
            "## Risk questions",
            (
                "Bankers said the product had the potential to bring millions of first-time "
                "borrowers into formal credit, but warned that easy access to small loans at "
                "the point of purchase could lead to over-borrowing. Default rates on "
                "small-ticket digital loans have been higher than on other unsecured credit, "
                "and the central bank has tightened rules on lending through apps in recent "
                "years."
            ),
            (
                "Tarang said it used transaction data, with customers' consent, to assess "
                "their ability to repay, and that average credit limits would start at "
                "₹10,000. It said early results from a pilot with two banks showed default "
                "rates in line with credit cards, though analysts cautioned that the pilot was "
                "too small and too recent to judge."
            ),
            (
                "The company last raised money at a valuation of $3.2 billion and has said it "
                "aims to list its shares within two years. Investors said its ability to earn "
                "money from credit would be central to that plan, given persistent uncertainty "
                "over whether the government will ever allow fees on UPI payments."
            ),
        ],
    },
    {
        "slug": "it-services-firms-slow-campus-hiring-as-ai-tools-spread",
        "headline": "IT services firms slow campus hiring as AI tools reshape entry-level work",
        "standfirst": (
            "The largest outsourcers have cut their intake of fresh graduates by as much as a "
            "third. Executives say coding assistants are changing what junior engineers do, "
            "and how many are needed."
        ),
        "section": "technology",
        "authors": ["farhan-qureshi"],
        "dateline": "BENGALURU",
        "published": "days_ago:28",
        "access": "premium",
        "body": [
            (
                "India's largest information technology services companies have cut their "
                "intake of fresh graduates by as much as a third over the past year, and "
                "executives say the spread of AI coding assistants is changing the nature of "
                "entry-level work. Placement officers at engineering colleges said offers from "
                "the big outsourcers had fallen, and that joining dates for some candidates "
                "had been deferred by several months."
            ),
            (
                "The companies have for decades hired hundreds of thousands of graduates a "
                "year, training them for routine work such as testing, maintenance and "
                "support. Executives said much of that work was now being done faster with AI "
                "tools, reducing the number of junior engineers needed on each project, "
                "although they said they still expected to hire in large numbers over time."
            ),
            "[[more]]",
            "## A different pyramid",
            (
                "Industry analysts have long described the outsourcing business model as a "
                "pyramid, with a large base of junior staff supporting a smaller number of "
                "senior engineers and managers. Several executives said they expected the "
                "pyramid to become a diamond, with fewer people at the bottom and more "
                "mid-level engineers who can supervise AI tools and work directly with "
                "clients."
            ),
            (
                "> We are not hiring fewer people because of AI alone. Clients are also "
                "spending cautiously. But AI is changing what a fresher does on day one. — "
                "Sameer Kapoor, head of talent at a large IT services company"
            ),
            (
                "Engineering colleges are responding by adding courses on AI and cloud "
                "computing, and some companies have started hiring smaller batches of "
                "graduates with stronger skills at higher salaries. Starting salaries at the "
                "largest firms have barely risen in a decade, and placement officers said the "
                "best students were increasingly choosing product companies, start-ups and "
                "global technology centres instead."
            ),
            (
                "Economists said the shift could have wide effects, since IT services have "
                "been one of the largest sources of well-paid formal jobs for graduates from "
                "smaller towns. They urged the government and industry to invest in retraining "
                "and to help colleges align their courses with the skills employers now want."
            ),
        ],
    },
    {
        "slug": "indian-gaming-studios-look-abroad-as-domestic-market-shrinks",
        "headline": "Indian gaming studios look abroad as domestic market shrinks",
        "standfirst": (
            "After tougher rules on real-money games at home, developers are building for "
            "global players, and some are moving staff to Singapore and Dubai."
        ),
        "section": "technology",
        "authors": ["farhan-qureshi"],
        "dateline": "BENGALURU",
        "published": "days_ago:33",
        "access": "metered",
        "body": [
            (
                "Indian game developers are increasingly building titles for players overseas "
                "after tougher rules on real-money gaming sharply shrank their domestic "
                "market, with several studios moving staff to Singapore and Dubai to be closer "
                "to investors and publishers. Executives said studios that once relied on "
                "fantasy sports and card games were now pitching casual games to audiences in "
                "Southeast Asia, the Middle East and Latin America."
            ),
            (
                "The shift has been painful. Industry estimates suggest several thousand jobs "
                "have been lost in the past year, and funding for gaming start-ups has fallen "
                "to a fraction of its peak. But founders said the pivot could eventually build "
                "a more durable industry, since India has a large pool of developers, artists "
                "and animators who work at lower cost than those in established gaming hubs."
            ),
            (
                "> We spent years building the best payment and retention systems in the world "
                "for a product that no longer exists in India. Those skills travel. — Neha "
                "Bhargava, founder, Lantern Forge Studios"
            ),
            (
                "Several studios said they had signed publishing deals with international "
                "companies, which fund development in exchange for a share of revenue. Others "
                "are working as outsourcing partners, producing art, animation and testing for "
                "larger foreign studios. Revenue from such work grew by about a quarter last "
                "year, according to an industry body."
            ),
            "## A large but frugal audience",
            (
                "India has more than 400 million people who play games on their phones, but "
                "most spend little or nothing, which makes it hard for developers to earn "
                "money at home from games that do not involve real money. Executives said "
                "advertising-supported games and small in-game purchases could grow as incomes "
                "rise, but that the market would take years to mature."
            ),
            (
                "Investors said the outlook for the sector would depend on whether studios can "
                "produce hit titles for global audiences. So far only a handful of Indian-made "
                "games have reached the top of international download charts, and most have "
                "struggled to keep players engaged for more than a few weeks."
            ),
        ],
    },
    {
        "slug": "banks-and-exchanges-ready-for-y2k-rollover",
        "headline": (
            "Banks and exchanges say they are ready for Y2K rollover after months of drills"
        ),
        "standfirst": (
            "Computer systems have been checked and rechecked for the millennium bug. Some "
            "banks are advising customers to keep a little extra cash for the long weekend, "
            "just in case."
        ),
        "section": "technology",
        "authors": ["farhan-qureshi"],
        "dateline": "MUMBAI",
        "published": "1999-12-31T17:30",
        "access": "free",
        "body": [
            (
                "Banks, stock exchanges and utilities said their computer systems were ready "
                "for the arrival of the year 2000 after months of testing to guard against the "
                "so-called millennium bug, which could cause older software to misread the "
                "date and malfunction. Special control rooms will be staffed through the night "
                "at the Reserve Bank of India, major banks and telecom companies to respond "
                "quickly if problems arise."
            ),
            (
                "The bug stems from the practice, common in older software, of storing years "
                "as two digits to save memory. Programmers feared that when the year changes "
                "from 99 to 00, some systems would treat it as 1900, leading to errors in "
                "calculations of interest, ages and expiry dates, or causing systems to shut "
                "down altogether."
            ),
            "## Tested and retested",
            (
                "Bankers said they had replaced or corrected affected systems and carried out "
                "several rounds of simulated date changes. The central bank has required all "
                "banks to certify that their systems are compliant and to keep contingency "
                "plans in place. The stock exchanges said trading and settlement systems had "
                "been tested, and that they did not expect any disruption when trading resumes "
                "on Monday."
            ),
            (
                "Despite the assurances, some banks have advised customers to withdraw enough "
                "cash for the long weekend and to keep copies of recent statements. Airlines "
                "have reduced the number of flights scheduled around midnight, and hospitals "
                "have been asked to check equipment with embedded computer chips, such as "
                "monitors and ventilators."
            ),
            (
                "For India's software industry, the millennium bug has been a major source of "
                "business. Companies in Bangalore, Mumbai and Hyderabad have earned large "
                "revenues fixing code for clients in the United States and Europe, and "
                "executives say the relationships built during this work have opened doors to "
                "larger contracts that will outlast the date change."
            ),
        ],
    },
    {
        "slug": "svb-collapse-leaves-indian-start-ups-scrambling-to-move-cash",
        "headline": "SVB collapse leaves Indian start-ups scrambling to move cash",
        "standfirst": (
            "Founders spent the weekend trying to wire funds out of the failed US lender. A "
            "guarantee of all deposits by American regulators has eased the panic, but "
            "questions remain."
        ),
        "section": "technology",
        "authors": ["farhan-qureshi"],
        "dateline": "BENGALURU",
        "published": "2023-03-13T19:30",
        "access": "metered",
        "body": [
            (
                "Indian start-ups with accounts at Silicon Valley Bank spent a frantic weekend "
                "trying to move money out of the failed US lender, before American regulators "
                "announced that all depositors would have access to their funds. Founders said "
                "the collapse had exposed how heavily young companies relied on a single bank "
                "for their operating cash, often because their investors had introduced them "
                "to it."
            ),
            (
                "SVB was shut down by regulators on Friday after a run on deposits triggered "
                "by losses on its bond portfolio. On Sunday, US authorities said all deposits, "
                "including those above the normal insurance limit of $250,000, would be "
                "protected, and that customers would be able to access their money from "
                "Monday."
            ),
            "## Counting the exposure",
            (
                "There is no official estimate of how much Indian start-ups held at the bank, "
                "but founders and investors said dozens of companies, particularly software "
                "firms that sell to American customers, had kept most of their cash there. "
                "Several said they had been unable to process payroll for staff in India and "
                "the United States until the guarantee was announced."
            ),
            (
                "> We had payroll on Wednesday and most of our cash in one bank. I have never "
                "been so happy to read a government press release. — Aditya Varma, co-founder "
                "of a Bengaluru-based software start-up"
            ),
            (
                "Investors said the episode would push start-ups to spread their cash across "
                "several banks and to keep more of it with larger institutions. Some Indian "
                "banks with branches at GIFT City, the international financial centre in "
                "Gujarat, said they had received inquiries from founders looking to open "
                "dollar accounts."
            ),
            (
                "The collapse has also raised wider questions about funding. Venture capital "
                "investment in Indian start-ups has already fallen sharply from its peak, and "
                "investors said the turmoil in US banking could make fundraising harder in the "
                "coming months as funds become more cautious about new commitments."
            ),
        ],
    },
    {
        "slug": "chandrayaan-3-lander-touches-down-near-moon-south-pole",
        "headline": "Chandrayaan-3 lander touches down near Moon's south pole",
        "standfirst": (
            "India has become the first country to land a spacecraft near the lunar south "
            "pole, and the fourth to achieve a soft landing on the Moon."
        ),
        "section": "technology",
        "authors": [],
        "agency": "pti",
        "dateline": "BENGALURU",
        "published": "2023-08-23T18:40",
        "access": "free",
        "body": [
            (
                "India's Chandrayaan-3 lander touched down near the Moon's south pole, making "
                "the country the first to land a spacecraft in that region and the fourth, "
                "after the United States, the former Soviet Union and China, to achieve a "
                "controlled soft landing on the lunar surface. The lander, Vikram, touched "
                "down at 6.04 pm after a powered descent lasting about 20 minutes."
            ),
            (
                "Scientists and engineers at the Indian Space Research Organisation's mission "
                "control complex in Bengaluru broke into applause as the lander confirmed its "
                "touchdown. The mission comes four years after the lander of Chandrayaan-2 "
                "crashed during its final descent, and engineers made a number of changes to "
                "the design, including stronger legs and a larger landing zone."
            ),
            (
                "The lander carries a small rover, Pragyan, which is expected to roll out onto "
                "the surface in the coming hours. The two will conduct experiments over one "
                "lunar day, equivalent to about 14 days on Earth, studying the composition of "
                "the soil, the temperature of the surface and seismic activity near the "
                "landing site."
            ),
            (
                "The region near the south pole is of interest to scientists because "
                "permanently shadowed craters there are believed to contain water ice, which "
                "could one day be used for drinking water, oxygen and rocket fuel by future "
                "missions. A Russian lander crashed on its way to the same region earlier this "
                "week."
            ),
            (
                "The mission, which was launched in July from Sriharikota, cost about ₹600 "
                "crore, a fraction of what comparable missions by other countries have cost. "
                "Congratulations poured in from around the world, and celebrations broke out "
                "in cities across the country, where many schools and offices had arranged for "
                "the landing to be watched live."
            ),
        ],
    },
    {
        "slug": "ecb-holds-rates-steady-as-euro-zone-growth-slows",
        "headline": "ECB holds rates steady, signals caution as euro zone growth slows",
        "standfirst": (
            "The European Central Bank kept borrowing costs unchanged and said it would remain "
            "guided by incoming data as inflation hovers near its target."
        ),
        "section": "world",
        "authors": [],
        "agency": "reuters",
        "dateline": "FRANKFURT",
        "published": "days_ago:1",
        "access": "metered",
        "body": [
            (
                "The European Central Bank kept interest rates unchanged, saying inflation in "
                "the euro zone was close to its 2 per cent target but that it would stay "
                "cautious as the economy showed signs of slowing. The decision, widely "
                "expected by economists, leaves the deposit rate at its current level for a "
                "second consecutive meeting."
            ),
            (
                "In its statement, the bank said growth had been weaker than expected in "
                "recent months, with manufacturing still struggling and consumer spending "
                "recovering only gradually. It said risks to the outlook stemmed from trade "
                "tensions, weak demand in major export markets and uncertainty over government "
                "spending plans in several member states."
            ),
            (
                "Policymakers said they would continue to take decisions meeting by meeting "
                "based on incoming data, and declined to give any signal about their next "
                "move. Markets trimmed bets on a rate cut at the next meeting after the "
                "announcement, and the euro rose slightly against the dollar."
            ),
            (
                '"The bar for another cut is higher than the market thinks," said Katrin '
                'Vogel, an economist at Rheinhafen Bank in Frankfurt. "Unless growth '
                "deteriorates sharply, the ECB is comfortable sitting on its hands for several "
                'months and letting the earlier cuts work through."'
            ),
            (
                "Staff projections published alongside the decision showed inflation averaging "
                "close to target over the next two years, while growth forecasts were trimmed "
                "slightly. The bank also said it would continue to reduce its holdings of "
                "bonds bought under earlier stimulus programmes at the current pace."
            ),
        ],
    },
    {
        "slug": "uk-and-india-conclude-fresh-round-of-services-talks",
        "headline": "UK and India conclude fresh round of talks on services and investment",
        "standfirst": (
            "Negotiators made progress on professional visas and recognition of "
            "qualifications, but disagreements remain over data rules and financial services."
        ),
        "section": "world",
        "authors": ["eleanor-whitcombe"],
        "dateline": "LONDON",
        "published": "days_ago:2",
        "access": "metered",
        "body": [
            (
                "Negotiators from Britain and India concluded a fresh round of talks on "
                "services and investment in London, with officials on both sides saying they "
                "had made progress on temporary visas for professionals and the mutual "
                "recognition of qualifications. But disagreements remain over rules on "
                "cross-border data flows and access for British financial firms, according to "
                "people familiar with the discussions."
            ),
            (
                "The talks build on the trade agreement the two countries have already "
                "concluded on goods, which cut tariffs on a wide range of products. Services "
                "account for a far larger share of both economies, and businesses in both "
                "countries have pressed for an arrangement that makes it easier for "
                "accountants, lawyers, architects and engineers to work across borders."
            ),
            "[[more]]",
            "## Qualifications and visas",
            (
                "Officials said the two sides had agreed in principle on a framework under "
                "which professional bodies would negotiate recognition of each other's "
                "qualifications, starting with accountancy and architecture. India has sought "
                "a larger quota of visas for professionals on short-term assignments, while "
                "Britain has resisted commitments that could be seen as loosening its "
                "immigration rules."
            ),
            (
                "British financial firms want greater access to Indian insurance, pensions and "
                "asset management, and assurances that they will be able to transfer data to "
                "their global systems. Indian negotiators have argued that data rules are a "
                "matter of domestic regulation and cannot be dictated by a trade agreement, "
                "according to a person briefed on the talks."
            ),
            (
                "> The goods deal was the easy part. Services is where the value is, and also "
                "where the politics are hardest. — Fiona Marchetti, trade policy fellow, "
                "Aldgate Economic Forum"
            ),
            (
                "The next round is expected to be held in New Delhi within three months. "
                "Business groups in London welcomed the progress but urged both governments to "
                "set a deadline, warning that talks without a clear end date risked losing "
                "momentum as political attention shifts elsewhere."
            ),
        ],
    },
    {
        "slug": "chilean-copper-miners-strike-over-pay-halting-two-pits",
        "headline": "Chilean copper miners strike over pay, halting output at two pits",
        "standfirst": (
            "Workers at a mine in the Atacama desert walked out after talks on a new wage deal "
            "broke down, adding to concerns over global copper supply."
        ),
        "section": "world",
        "authors": [],
        "agency": "afp",
        "canonical_url": (
            "https://www.afp.com/en/news/chilean-copper-miners-strike-over-pay-halting-output"
        ),
        "dateline": "SANTIAGO",
        "published": "days_ago:5",
        "access": "metered",
        "body": [
            (
                "Workers at a copper mine in Chile's Atacama desert went on strike after talks "
                "over a new wage agreement broke down, halting production at two open pits, "
                "their union said. About 2,300 workers at the Cerro Alto mine, owned by a "
                "consortium of Canadian and Japanese companies, walked off the job, demanding "
                "a larger share of the profits from high copper prices."
            ),
            (
                "The company said it had offered a pay increase in line with inflation plus a "
                "one-off bonus, and accused the union of making unrealistic demands. It said "
                "contingency plans were in place to maintain safety at the site and that it "
                "remained open to dialogue with the help of government mediators."
            ),
            (
                '"The company has made record profits and the workers who produced them '
                'deserve their share," union leader Hector Fuentes told AFP by telephone from '
                'the mining town of Calama. "We will stay out as long as necessary, and we '
                'have the support of the families."'
            ),
            (
                "Chile is the world's largest copper producer, and strikes at its mines can "
                "move global prices. The Cerro Alto mine accounts for about 1.5 percent of the "
                "country's output, according to industry estimates. Copper prices rose "
                "slightly on the London Metal Exchange after news of the strike spread."
            ),
            (
                "Demand for copper has been boosted by its use in electric vehicles, power "
                "grids and data centres, while new supply has been slow to come online. "
                "Analysts say that even small disruptions can tighten the market, which has "
                "already been hit by declining ore grades at ageing mines in Chile and "
                "neighbouring Peru."
            ),
        ],
    },
    {
        "slug": "singapore-keeps-currency-policy-steady-as-inflation-cools",
        "headline": "Singapore keeps currency policy steady as inflation cools",
        "standfirst": (
            "The Monetary Authority of Singapore left its exchange-rate settings unchanged and "
            "said growth in the city-state was likely to moderate."
        ),
        "section": "world",
        "authors": ["mei-ling-tan"],
        "dateline": "SINGAPORE",
        "published": "days_ago:9",
        "access": "metered",
        "body": [
            (
                "Singapore's central bank left its monetary policy settings unchanged, saying "
                "inflation had cooled broadly as expected and that growth in the city-state "
                "was likely to moderate in the coming quarters. The Monetary Authority of "
                "Singapore, which uses the exchange rate rather than interest rates as its "
                "main policy tool, kept the slope, width and centre of its currency band "
                "unchanged."
            ),
            (
                "Under its framework, the authority allows the Singapore dollar to rise or "
                "fall against a basket of the currencies of its main trading partners within "
                "an undisclosed band. A steeper slope implies faster appreciation, which helps "
                "to dampen imported inflation, since Singapore imports almost all of its food "
                "and energy."
            ),
            (
                "Core inflation, which excludes accommodation and private transport costs, has "
                "eased to below 2 per cent, close to its long-run average. The central bank "
                "said it expected core inflation to remain subdued, though it flagged risks "
                "from higher shipping costs and food prices in the region."
            ),
            "## A trade-dependent economy",
            (
                "Singapore's economy is heavily dependent on trade, and officials have warned "
                "that tariffs and slowing demand in major economies pose risks. Electronics "
                "exports have been a bright spot, supported by demand for chips used in "
                "artificial intelligence, while other manufacturing and wholesale trade have "
                "been weaker."
            ),
            (
                "Economists said the authority was likely to keep policy on hold for several "
                "months while leaving the door open to easing if growth weakened more than "
                "expected. The Singapore dollar was little changed against its US counterpart "
                "after the announcement, and local shares edged higher."
            ),
        ],
    },
    {
        "slug": "gulf-sovereign-funds-step-up-bets-on-indian-infrastructure",
        "headline": "Gulf sovereign funds step up bets on Indian infrastructure",
        "standfirst": (
            "State investors from the Gulf have committed more than $9 billion to Indian "
            "roads, ports and power assets in a year. The draw is long-term returns; the worry "
            "is regulatory change."
        ),
        "section": "world",
        "authors": ["tomas-ferreira"],
        "dateline": "DUBAI",
        "published": "days_ago:15",
        "access": "premium",
        "body": [
            (
                "Sovereign wealth funds from the Gulf have committed more than $9 billion to "
                "Indian infrastructure over the past year, according to deal data compiled by "
                "The Meridian Ledger, making them among the largest foreign investors in the "
                "country's roads, ports, transmission lines and renewable energy projects. The "
                "money has come through direct stakes, infrastructure investment trusts and "
                "co-investment platforms with Indian companies."
            ),
            (
                "Fund executives said India offered something that is increasingly scarce: "
                "large operating assets with long-term contracts and returns linked to "
                "inflation, in an economy that is growing faster than most. Several funds have "
                "set up dedicated teams in Mumbai and New Delhi, and some have agreed to take "
                "on construction risk in new projects, which they previously avoided."
            ),
            "[[more]]",
            "## Why now",
            (
                "The surge reflects both push and pull. Gulf states have been channelling oil "
                "revenues into long-term assets abroad to diversify their economies, while "
                "India has been selling stakes in operating roads and transmission lines to "
                "raise money for new projects under its asset monetisation programme. Tax "
                "changes for sovereign funds have also made such investments more attractive."
            ),
            (
                "> India is one of the few places where you can put a billion dollars into a "
                "single infrastructure platform and watch the traffic grow every year. — Omar "
                "Al Hashimi, head of infrastructure at a Gulf investment authority"
            ),
            (
                "Investors said the main risks were regulatory. Disputes over tariff revisions "
                "on toll roads and delays in payments from state power utilities have hurt "
                "returns in the past, and some funds have been caught up in lengthy "
                "arbitration. Currency depreciation is another concern, since returns are "
                "earned in rupees but measured in dollars."
            ),
            (
                "Bankers in Dubai and Abu Dhabi said they expected the pace of investment to "
                "continue, with several large deals under negotiation in airports, data "
                "centres and city gas distribution. Indian officials have courted the funds "
                "actively, and bilateral investment agreements signed in recent years have "
                "given investors additional protections."
            ),
        ],
    },
    {
        "slug": "shipping-detours-keep-freight-rates-high-for-indian-exporters",
        "headline": "Shipping detours keep freight rates high for Indian exporters",
        "standfirst": (
            "Container lines are still routing many vessels around Africa rather than through "
            "the Red Sea, adding time and cost to shipments to Europe."
        ),
        "section": "world",
        "authors": ["tomas-ferreira"],
        "dateline": "DUBAI",
        "published": "days_ago:22",
        "access": "metered",
        "body": [
            (
                "Container shipping lines are continuing to route many vessels around the Cape "
                "of Good Hope rather than through the Red Sea and the Suez Canal, keeping "
                "freight rates elevated and adding up to two weeks to voyages between India "
                "and Europe. Exporters of textiles, engineering goods and chemicals said the "
                "higher costs were eroding their margins and making it harder to compete with "
                "suppliers closer to European markets."
            ),
            (
                "Freight rates for a 40-foot container from Nhava Sheva to northern Europe are "
                "about 60 per cent higher than before the disruptions began, according to "
                "freight forwarders, though they have fallen from their peak. Insurance "
                "premiums for vessels transiting the region remain high, and most large "
                "carriers say they will not return until they are confident the route is safe."
            ),
            "## Longer voyages, tighter capacity",
            (
                "The longer route ties up more ships to maintain the same schedules, "
                "effectively reducing the global fleet's capacity. Carriers have responded by "
                "deploying newly delivered vessels and cutting some services to smaller ports. "
                "Indian exporters said they had faced frequent cancellations and rolled-over "
                "bookings, particularly for shipments from inland container depots."
            ),
            (
                "> A buyer in Germany can get the same product from Turkey in a week. From us "
                "it now takes five weeks. That difference decides orders. — Manoj Agarwal, "
                "president of a garment exporters' association in Tiruppur"
            ),
            (
                "The government has extended an interest subsidy scheme for small exporters "
                "and asked state-owned shipping companies to explore dedicated services. "
                "Exporters have also sought more support for air freight of high-value goods. "
                "Economists said the impact on India's overall exports had so far been modest, "
                "but that prolonged disruption would weigh on labour-intensive sectors."
            ),
        ],
    },
    {
        "slug": "indonesia-nickel-boom-draws-indian-battery-makers",
        "headline": "Indonesia's nickel boom draws Indian battery makers",
        "standfirst": (
            "Two Indian companies are in talks to invest in processing plants on Sulawesi, "
            "seeking secure supplies for battery cells made at home."
        ),
        "section": "world",
        "authors": ["mei-ling-tan"],
        "dateline": "JAKARTA",
        "published": "days_ago:32",
        "access": "metered",
        "body": [
            (
                "Two Indian battery manufacturers are in advanced talks to invest in nickel "
                "processing plants in Indonesia, seeking secure supplies of a key raw material "
                "as they build cell factories at home, according to people familiar with the "
                "discussions. The investments, which could together exceed $1 billion, would "
                "be among the largest by Indian companies in Indonesia's fast-growing nickel "
                "industry."
            ),
            (
                "Indonesia holds the world's largest nickel reserves and has become the "
                "dominant producer after banning exports of raw ore to force companies to "
                "process it locally. Most of the investment in smelters has come from Chinese "
                "companies, and Indonesian officials have been keen to attract investors from "
                "other countries to diversify ownership of the industry."
            ),
            (
                "The Indian companies are looking at plants on the island of Sulawesi that "
                "produce nickel intermediates used to make cathodes for lithium-ion batteries. "
                "One of them, Aravalli Cells, is building a factory in Gujarat under a "
                "government incentive scheme and wants to lock in supply before production "
                "starts, the people said."
            ),
            "## Environmental concerns",
            (
                "Nickel processing in Indonesia has drawn criticism over deforestation, "
                "pollution and the use of coal-fired power at industrial parks. Indian "
                "executives said any investment would have to meet the standards demanded by "
                "global customers, and that they were looking at projects with plans to use "
                "renewable energy. Carmakers in Europe and the United States increasingly "
                "require suppliers to document the origin of battery materials."
            ),
            (
                "Officials in Jakarta welcomed the Indian interest and said the government "
                "would offer tax incentives to investors that commit to building further along "
                "the supply chain, including cathode and battery plants in Indonesia. Analysts "
                "said India's hunt for battery materials overseas reflected its limited "
                "reserves of nickel, lithium and cobalt at home."
            ),
        ],
    },
    {
        "slug": "thailand-floats-the-baht-as-currency-defence-collapses",
        "headline": "Thailand floats the baht as its currency defence collapses",
        "standfirst": (
            "The baht plunged after the central bank abandoned its long-standing peg. Dealers "
            "fear the pressure could spread to other currencies in the region."
        ),
        "section": "world",
        "authors": ["mei-ling-tan"],
        "dateline": "BANGKOK",
        "published": "1997-07-02T20:15",
        "access": "metered",
        "body": [
            (
                "Thailand abandoned its defence of the baht and allowed the currency to float, "
                "ending more than a decade in which it had been tied to a basket of currencies "
                "dominated by the US dollar. The baht fell sharply in its first hours of "
                "trading, at one point losing about a sixth of its value, before recovering "
                "some ground later in the day."
            ),
            (
                "The Bank of Thailand said the decision had been taken because the peg could "
                "no longer be maintained in the face of speculative attacks, which have "
                "drained its foreign reserves over recent months. It also raised a key "
                "interest rate to stem outflows. Officials said the move would allow the "
                "economy to adjust to changing conditions and would restore the "
                "competitiveness of Thai exports."
            ),
            "## Fears of contagion",
            (
                "Dealers in Singapore and Hong Kong said they were watching for signs that the "
                "pressure would spread to the currencies of the Philippines, Malaysia and "
                "Indonesia, which share some of Thailand's weaknesses, including large current "
                "account deficits and heavy short-term borrowing in dollars. Thai shares rose "
                "on relief that the uncertainty over the peg had ended."
            ),
            (
                "> Everyone knew the peg was unsustainable. The question now is who is next. — "
                "Lawrence Goh, currency dealer, Singapore"
            ),
            (
                "Thailand's economy has been weighed down by a property slump that has left "
                "finance companies with large bad debts, and the government suspended 16 of "
                "them last week. Economists said the devaluation would make Thai goods cheaper "
                "abroad but would raise the burden of dollar debts for companies and banks, "
                "which could deepen the crisis in the short term."
            ),
            (
                "In Mumbai, currency dealers said the rupee was unlikely to come under "
                "immediate pressure, since India's short-term foreign debt is small and its "
                "capital account is largely closed. But they said Indian exporters of textiles "
                "and engineering goods that compete with Thai products could face tougher "
                "competition in overseas markets."
            ),
        ],
    },
    {
        "slug": "japan-quake-exposes-fragile-links-in-supply-chains",
        "headline": "Japan's earthquake exposes fragile links in India's supply chains",
        "standfirst": (
            "Carmakers and electronics firms are checking stocks of Japanese components as "
            "factories in the disaster zone remain shut and power cuts loom."
        ),
        "section": "world",
        "authors": ["tomas-ferreira"],
        "dateline": "TOKYO",
        "published": "2011-03-14T16:00",
        "access": "metered",
        "body": [
            (
                "Indian carmakers and electronics companies are checking stocks of "
                "Japanese-made components after last week's earthquake and tsunami shut dozens "
                "of factories in north-eastern Japan, and as rolling power cuts threaten "
                "production elsewhere in the country. Executives said they had enough parts "
                "for several weeks but that prolonged disruption could force them to slow "
                "assembly lines."
            ),
            (
                "The earthquake, the most powerful recorded in Japan, struck off the "
                "north-east coast on Friday, triggering a tsunami that devastated coastal "
                "towns. The death toll is expected to run into thousands. Emergency workers "
                "are also battling to cool reactors at a damaged nuclear power plant in "
                "Fukushima, where explosions have occurred at two units."
            ),
            "## Parts shortages",
            (
                "Japan is a major supplier of specialised components, including "
                "microcontrollers, electronic displays and speciality steel, to manufacturers "
                "around the world. Several of the affected factories make parts that have few "
                "alternative sources. Indian subsidiaries of Japanese carmakers, which account "
                "for a large share of the domestic car market, said they were in contact with "
                "their parent companies to assess the impact."
            ),
            (
                "Tokyo's stock market fell sharply as trading opened after the weekend, and "
                "the Bank of Japan injected record amounts of cash into money markets to calm "
                "investors. Shares of Indian companies with large Japanese partners also fell "
                "in Mumbai. Economists said the immediate hit to Japan's economy would be "
                "severe, but that reconstruction spending could support growth later in the "
                "year."
            ),
            (
                "Indian officials said the government had offered relief supplies and rescue "
                "teams to Japan, and that the embassy in Tokyo was working to trace Indian "
                "nationals living in the worst-affected prefectures. Airlines said they were "
                "monitoring radiation levels closely but were continuing to operate scheduled "
                "flights to Tokyo for now."
            ),
        ],
    },
    {
        "slug": "oil-breaches-100-dollars-as-russia-attacks-ukraine",
        "headline": "Oil breaches $100 a barrel as Russia attacks Ukraine",
        "standfirst": (
            "Brent crude topped $100 for the first time since 2014, and stock markets tumbled "
            "as investors sought safety in gold and government bonds."
        ),
        "section": "world",
        "authors": [],
        "agency": "reuters",
        "canonical_url": (
            "https://www.reuters.com/business/energy/oil-tops-100-as-russia-attacks-ukraine/"
        ),
        "dateline": "LONDON",
        "published": "2022-02-24T16:40",
        "access": "metered",
        "body": [
            (
                "Brent crude oil surged above $100 a barrel for the first time since 2014 "
                "after Russia launched a military attack on Ukraine, heightening fears of "
                "disruption to energy supplies from one of the world's largest oil exporters. "
                "Global stock markets tumbled, and investors fled to the safety of gold, the "
                "dollar and government bonds."
            ),
            (
                "Brent rose as much as 8 per cent to a high above $105 a barrel, while US West "
                "Texas Intermediate crude climbed above $100. European gas prices jumped by "
                "more than 50 per cent, reflecting fears that supplies of Russian gas, which "
                "accounts for about a third of Europe's consumption, could be disrupted."
            ),
            (
                "Russia is the world's largest exporter of natural gas and a major supplier of "
                "oil, coal, wheat and metals such as aluminium and palladium. Prices of wheat "
                "and aluminium also rose sharply, and analysts said the conflict could add to "
                "inflationary pressures that are already at their highest in decades in many "
                "economies."
            ),
            (
                '"The market has been pricing in some risk premium for weeks, but an actual '
                'invasion is a different scale of shock," said Martin Hale, head of '
                'commodities research at Ashbury Capital in London. "Until we know what '
                "sanctions look like, traders will pay up for any barrel that is not "
                'Russian."'
            ),
            (
                "Western governments have said they will impose severe sanctions on Russia, "
                "but analysts said it was unclear whether they would target energy exports "
                "directly, given Europe's reliance on Russian supplies. Some analysts said a "
                "coordinated release of strategic reserves by major consuming countries was "
                "possible if prices kept rising."
            ),
            (
                "In Asia, stock markets fell sharply, with India's benchmark indices suffering "
                "their biggest one-day fall in nearly two years. The rupee weakened against "
                "the dollar, and analysts said higher oil prices would widen India's trade "
                "deficit and add to inflation, since the country imports more than 80 per cent "
                "of its crude."
            ),
        ],
    },
    {
        "slug": "ledger-view-record-highs-are-no-reason-to-relax",
        "headline": "The Ledger view: Record highs are no reason to relax",
        "standfirst": (
            "Markets are celebrating. Policymakers should use the calm to fix the things that "
            "will matter when the mood turns."
        ),
        "section": "opinion",
        "authors": ["priya-venkataraman"],
        "dateline": "MUMBAI",
        "published": "days_ago:0",
        "access": "metered",
        "body": [
            (
                "Indian equities have closed at another record, and the mood on Dalal Street "
                "is understandably buoyant. Foreign investors are buying again, domestic "
                "savers continue to pour money into mutual funds every month, and companies "
                "are lining up to sell shares. Good times in markets tend to encourage a "
                "comfortable belief that the hard work is done. It is not, and the calm is "
                "precisely when the hard work is easiest."
            ),
            (
                "Start with the obvious risk. A large part of the recent rally has been driven "
                "by flows rather than earnings. Monthly contributions from millions of small "
                "investors are a welcome sign of financial deepening, but they also mean that "
                "prices can rise regardless of whether the businesses behind them are growing. "
                "Valuations in mid-sized and smaller companies, in particular, now assume "
                "years of uninterrupted success."
            ),
            "## What regulators should do",
            (
                "Regulators should use this period to strengthen disclosure, particularly on "
                "the liquidity of small-cap funds and the risks of derivatives trading, where "
                "individuals continue to lose heavily. They should also press ahead with "
                "reforms that are politically difficult in a falling market, such as tighter "
                "rules on related-party transactions and better protection for minority "
                "shareholders in listed groups."
            ),
            "## What the government should do",
            (
                "The government, for its part, should resist treating a rising index as a "
                "verdict on its economic management. Private investment in new capacity "
                "remains uneven, and the manufacturing share of employment has barely moved. A "
                "buoyant market makes it easier to sell stakes in state-owned companies and to "
                "fund infrastructure; it should be used for those purposes rather than for "
                "self-congratulation."
            ),
            (
                "Markets move in cycles, and this one will turn eventually, as every one "
                "before it has. When it does, the quality of the institutions that regulate "
                "and support the market will matter far more than the level of the Sensex on "
                "any given day. The time to build those institutions is now, while investors "
                "are in a generous mood."
            ),
        ],
    },
    {
        "slug": "our-cities-need-fewer-flyovers-and-more-buses",
        "headline": "Our cities need fewer flyovers and more buses",
        "standfirst": (
            "Every new flyover promises to end congestion and rarely does. A serious bus "
            "network would move more people for a fraction of the cost."
        ),
        "section": "opinion",
        "authors": ["siddharth-menon"],
        "dateline": "MUMBAI",
        "published": "days_ago:2",
        "access": "metered",
        "body": [
            (
                "Every Indian city has a flyover that was supposed to end its traffic jams. "
                "Most of them now carry traffic jams of their own. This is not bad luck or "
                "poor engineering. It is the predictable result of building for cars in cities "
                "where most people do not own one, and where every new lane of road quickly "
                "fills with vehicles that the old congestion had discouraged."
            ),
            (
                "The economics are not complicated. A single bus lane can move several times "
                "as many people per hour as a lane of private cars. A fleet of a few thousand "
                "modern buses costs less than a single large elevated road, and can be put on "
                "the streets in months rather than years. Yet bus fleets in most large cities "
                "have barely grown in a decade, even as populations and car ownership have "
                "surged."
            ),
            (
                "> The question is not whether we can afford buses. It is whether we can "
                "afford to keep pretending that more roads will save us. — Siddharth Menon, "
                "Contributing Columnist"
            ),
            (
                "Part of the problem is that buses lack a constituency. Metro rail projects "
                "come with ribbon-cutting ceremonies and large contracts; buses come with "
                "operating losses that municipal corporations must cover every year. Flyovers "
                "are visible from the car windows of the people who make decisions. Bus "
                "commuters, who are poorer and less organised, rarely have the ear of those "
                "who allocate budgets."
            ),
            (
                "The fix begins with treating buses as infrastructure rather than as a "
                "loss-making service. Cities should fund bus operations from the same capital "
                "budgets that pay for roads, contract private operators on the basis of "
                "kilometres run rather than fares collected, and give buses dedicated lanes "
                "that are actually enforced. Where this has been tried, in a handful of Indian "
                "cities and many abroad, ridership has risen quickly."
            ),
            (
                "None of this is glamorous, and that is exactly why it has been neglected. But "
                "a city where a worker can cross town reliably in 40 minutes is a more "
                "productive city than one where the same trip takes two hours in a car. The "
                "next time a government announces a flyover, it should be asked how many buses "
                "the same money would buy."
            ),
        ],
    },
    {
        "slug": "fiscal-deficit-target-deserves-more-credibility",
        "headline": "The fiscal deficit target deserves more credibility than markets give it",
        "standfirst": (
            "Sceptics assume the government will miss its goal. The record suggests otherwise, "
            "and the bigger risk lies with the states."
        ),
        "section": "opinion",
        "authors": ["siddharth-menon"],
        "dateline": "NEW DELHI",
        "published": "days_ago:5",
        "access": "premium",
        "body": [
            (
                "There is a ritual to every budget season. The government announces a fiscal "
                "deficit target, economists declare it optimistic, and bond traders price in a "
                "miss. Over the past several years, that scepticism has repeatedly been wrong. "
                "The centre has met or beaten its headline deficit targets more often than "
                "not, and it has done so while increasing the share of spending devoted to "
                "capital investment."
            ),
            (
                "The record deserves acknowledgement. Revenue from direct taxes has grown "
                "faster than the economy, helped by better data and compliance. Subsidies have "
                "been contained, and the practice of hiding expenditure off the budget in the "
                "accounts of state-owned companies has been largely curtailed. These are not "
                "small achievements in a country where fiscal slippage was long the default."
            ),
            "[[more]]",
            "## The real risk lies elsewhere",
            (
                "The harder question is not the centre's deficit but the combined deficit of "
                "the centre and the states, and the quality of spending at the state level. "
                "States now account for a larger share of government capital spending than the "
                "centre, but several have loaded their budgets with cash transfers, free "
                "electricity and loan waivers, financed by borrowing that markets have so far "
                "absorbed without complaint."
            ),
            (
                "State borrowing costs barely differ between well-run and poorly run states, "
                "which suggests that lenders assume the centre will stand behind all of them. "
                "That assumption removes the discipline that markets are supposed to provide. "
                "A credible fiscal framework needs to make state finances transparent, publish "
                "comparable data on off-budget borrowing and let prices reflect the "
                "differences."
            ),
            (
                "> Markets are too sceptical about the centre and not nearly sceptical enough "
                "about the states. — Siddharth Menon, Contributing Columnist"
            ),
            (
                "None of this means the centre can relax. Debt remains high relative to the "
                "size of the economy, and interest payments absorb a large share of revenue. "
                "But the conversation should move on from whether Delhi will hit its number. "
                "It most likely will. The question that matters is whether the country as a "
                "whole is spending its borrowed money well."
            ),
        ],
    },
    {
        "slug": "weekly-options-have-become-a-casino-sebi-is-right-to-shrink-it",
        "headline": "Weekly options have become a casino. SEBI is right to shrink it",
        "standfirst": (
            "The regulator's proposals will hurt brokers' profits. That is an argument for "
            "them, not against."
        ),
        "section": "opinion",
        "authors": ["ananya-rao"],
        "dateline": "MUMBAI",
        "published": "days_ago:9",
        "access": "metered",
        "body": [
            (
                "It is rare for a financial regulator to say plainly that a market it "
                "supervises is harming the people who use it. SEBI has come close with its "
                "proposals on weekly index options, backed by its own data showing that the "
                "overwhelming majority of individual traders lose money. The industry's "
                "response has been predictable. It deserves to be heard, and then set aside."
            ),
            (
                "The case for weekly options rests on the idea that they help investors hedge "
                "and improve price discovery. Some of that is true. But the structure of the "
                "market tells a different story. Most of the activity is concentrated in "
                "contracts that expire within hours, bought by individuals with small accounts "
                "who are not hedging anything. That is not risk management. It is betting with "
                "extra steps."
            ),
            "## The liquidity argument",
            (
                "Brokers warn that bigger contract sizes will reduce liquidity and push "
                "traders to offshore platforms. Liquidity is valuable, but not "
                "unconditionally. A market whose volumes depend on a steady supply of losing "
                "retail traders is not deep in any meaningful sense; it is simply transferring "
                "money from households to proprietary trading firms and intermediaries. Losing "
                "some of that volume is the point of the reform."
            ),
            (
                "The offshore argument is more serious, and the regulator should work with the "
                "central bank to block payments to unregulated platforms. But the possibility "
                "that some people will gamble elsewhere is not a reason for a regulated "
                "exchange to make gambling convenient. Nobody argues that the stock exchange "
                "should run a lottery because people might otherwise play illegal ones."
            ),
            (
                "> A market whose volumes depend on a steady supply of losing retail traders "
                "is not deep. It is extractive. — Ananya Rao, Markets Editor"
            ),
            (
                "The proposals could go further, particularly on disclosure by brokers and on "
                "advertising by so-called finfluencers. But they are a step in the right "
                "direction. Capital markets exist to channel savings into productive "
                "investment. Every rupee lost on an expiry-day punt is a rupee that did not "
                "fund a company, a factory or a pension."
            ),
        ],
    },
    {
        "slug": "start-ups-should-chase-customers-not-valuations",
        "headline": "Start-ups should stop chasing valuations and start chasing customers",
        "standfirst": (
            "The funding boom taught a generation of founders to optimise for the next round. "
            "The survivors of the bust are the ones who remembered who pays the bills."
        ),
        "section": "opinion",
        "authors": ["farhan-qureshi"],
        "dateline": "BENGALURU",
        "published": "days_ago:14",
        "access": "metered",
        "body": [
            (
                "For a few giddy years, the most important customer for many Indian start-ups "
                "was not a consumer or a business. It was the next investor. Companies were "
                "built to show growth that would justify a higher valuation at the next "
                "funding round, and profitability was treated as a problem for later. Later "
                "has arrived, and many of those companies have discovered that there is no "
                "business underneath the growth."
            ),
            (
                "The correction has been painful: layoffs, down rounds, shutdowns. But it has "
                "also clarified what works. The start-ups that have come through in good shape "
                "are, with few exceptions, the ones that charged customers real prices from "
                "early on, kept their costs in line with revenue and treated capital as "
                "something scarce. That sounds obvious. During the boom it was regarded as a "
                "lack of ambition."
            ),
            "## The discount trap",
            (
                "The consumer internet sector is the starkest example. Companies spent "
                "billions of dollars on discounts and cashback to acquire users, on the theory "
                "that they could raise prices once customers were hooked. In most cases, "
                "customers simply moved to whichever rival was offering the biggest discount. "
                "Loyalty bought with subsidies turned out to be rented, not owned."
            ),
            (
                "Business software companies, by contrast, have quietly built some of the most "
                "durable start-ups in the country by selling to global customers who pay in "
                "dollars and renew year after year. They rarely make headlines, because their "
                "growth is steady rather than spectacular. They are also a large part of the "
                "reason investors still have faith in Indian entrepreneurs."
            ),
            (
                "The lesson for the next generation of founders is not to avoid ambition or "
                "venture capital. It is to remember that a valuation is an opinion and revenue "
                "is a fact. The next funding boom will come, as they always do, and it will "
                "tempt founders to forget this. The ones who resist will still be around for "
                "the boom after that."
            ),
        ],
    },
    {
        "slug": "europe-carbon-border-tax-india-can-turn-it-into-leverage",
        "headline": "Europe's carbon border tax will hurt. India can still turn it into leverage",
        "standfirst": (
            "Critics in New Delhi call the EU's levy on carbon-intensive imports protectionism "
            "dressed up as climate policy. They are partly right, and it does not matter."
        ),
        "section": "opinion",
        "authors": ["eleanor-whitcombe"],
        "dateline": "LONDON",
        "published": "days_ago:20",
        "access": "premium",
        "body": [
            (
                "Few European policies have caused as much irritation in New Delhi as the "
                "carbon border adjustment mechanism, which requires importers of steel, "
                "aluminium, cement and fertiliser to pay for the emissions embedded in those "
                "goods. Indian officials have called it a unilateral trade barrier that shifts "
                "the cost of Europe's climate ambitions onto poorer countries. There is truth "
                "in that. But complaining will not make the levy go away."
            ),
            (
                "Europe is not going to abandon the mechanism. It is central to the bloc's "
                "climate policy, because it protects European producers that pay for their "
                "emissions from competitors that do not. Other economies, including Britain, "
                "are designing similar schemes. Indian exporters of steel and aluminium, for "
                "whom Europe is an important market, will face the cost whether New Delhi "
                "likes it or not."
            ),
            "[[more]]",
            "## The leverage India has",
            (
                "The mechanism allows importers to deduct any carbon price already paid in the "
                "country of production. That is the opening. If India puts a credible price on "
                "carbon in the sectors covered, through its own emissions trading scheme or a "
                "levy, the money that would otherwise flow to Brussels stays at home, where it "
                "can fund cleaner production."
            ),
            (
                "India also has bargaining power that it has been slow to use. Europe wants "
                "access to Indian markets, cooperation on critical minerals and a reliable "
                "partner in a fractured world. In trade negotiations, India should seek "
                "recognition of its own carbon market, longer transition periods for small "
                "producers and financial support for decarbonising heavy industry, rather than "
                "a blanket exemption that it will never get."
            ),
            (
                "> Every tonne of carbon India prices itself is a tonne that Europe cannot "
                "tax. — Eleanor Whitcombe, Europe Correspondent"
            ),
            (
                "The steel industry, meanwhile, should treat the levy as a preview of where "
                "global markets are heading. Buyers in Japan, Korea and the United States are "
                "increasingly asking for low-carbon steel regardless of regulation. Producers "
                "that invest now in cleaner technology will find that Europe's tax is the "
                "least of their concerns. Those that do not will find it is only the first."
            ),
        ],
    },
    {
        "slug": "case-for-a-permanent-independent-statistical-commission",
        "headline": "The case for a permanent, independent statistical commission",
        "standfirst": (
            "Arguments over official data have become a recurring feature of Indian public "
            "life. The fix is institutional, not technical."
        ),
        "section": "opinion",
        "authors": ["meera-krishnan"],
        "dateline": "NEW DELHI",
        "published": "days_ago:27",
        "access": "metered",
        "body": [
            (
                "India's statistical system was once a source of national pride, built by "
                "economists and statisticians who pioneered sample survey methods that the "
                "rest of the world later adopted. In recent years it has become a source of "
                "argument. Revisions to growth figures, delays in publishing surveys and "
                "disputes over methodology have left too many people, at home and abroad, "
                "unsure which numbers to trust."
            ),
            (
                "The problem is not that Indian statisticians are incompetent or that data are "
                "routinely manipulated. Most of the work done by official statisticians "
                "remains careful and professional. The problem is institutional. The agencies "
                "that produce the most important numbers sit within a government ministry, and "
                "decisions about what to publish, when and how are ultimately made by "
                "officials who answer to ministers."
            ),
            "## What independence would look like",
            (
                "The answer is a statistical commission established by law, with a fixed-term "
                "chair and members who can be removed only through a demanding process, a "
                "budget that does not depend on annual negotiations with the finance ministry, "
                "and a legal duty to publish data on a pre-announced calendar. Decisions about "
                "methodology should be made by the commission and explained in public, with "
                "outside experts invited to review them."
            ),
            (
                "Several countries offer models. Some have statistical offices that report "
                "directly to parliament; others rely on independent boards that oversee the "
                "official agencies. What they share is a clear separation between the people "
                "who produce the numbers and the people who are judged by them. That "
                "separation does not guarantee accuracy, but it protects credibility, which is "
                "far harder to rebuild once lost."
            ),
            (
                "Governments of every stripe have an interest in good data. Policy made on the "
                "basis of unreliable numbers is likely to be bad policy. Investors charge a "
                "premium for uncertainty, and arguments over statistics consume energy better "
                "spent on the problems they describe. A permanent, independent commission "
                "would cost little, and it would be one of the most valuable reforms any "
                "government could make."
            ),
        ],
    },
    {
        "slug": "banks-must-stop-treating-small-savers-as-an-afterthought",
        "headline": "Banks must stop treating small savers as an afterthought",
        "standfirst": (
            "Lenders complain that deposits are hard to raise. Their own treatment of ordinary "
            "customers is part of the reason."
        ),
        "section": "opinion",
        "authors": ["rohan-deshpande"],
        "dateline": "MUMBAI",
        "published": "days_ago:34",
        "access": "metered",
        "body": [
            (
                "Bank executives have spent much of the past year complaining that deposits "
                "are hard to come by. Savers, they say, have been lured away by mutual funds "
                "and the stock market, leaving banks scrambling to fund loan growth. There is "
                "some truth to this. But banks might also ask why so many ordinary customers "
                "feel so little loyalty to the institutions that hold their money."
            ),
            (
                "Consider the typical experience of a small saver. Savings accounts pay "
                "interest well below inflation. Charges for minimum balances, SMS alerts, "
                "debit cards and cash withdrawals add up to a meaningful share of the interest "
                "earned. Complaints take weeks to resolve. Fixed deposit rates are competitive "
                "mainly for those who know to ask, or who can place large sums."
            ),
            "[[more]]",
            "## The cost of indifference",
            (
                "Meanwhile, the same customers receive a steady stream of calls selling "
                "insurance policies and investment products that earn the bank fat "
                "commissions, often with little regard for whether they suit the buyer. "
                "Mis-selling complaints to the banking ombudsman have risen steadily. It is "
                "hardly surprising that savers who feel exploited move their money elsewhere "
                "when an alternative appears."
            ),
            (
                "> Loyalty cannot be demanded from customers who are treated as a source of "
                "fees. — Rohan Deshpande, Banking Correspondent"
            ),
            (
                "Banks need stable, low-cost deposits more than ever, as regulators tighten "
                "liquidity rules and the gap between loan and deposit growth persists. The "
                "cheapest way to attract them is not a marketing campaign. It is to pay fair "
                "rates, cut nuisance charges, resolve complaints quickly and stop using the "
                "branch as a sales floor for third-party products."
            ),
            (
                "Regulators can help by requiring banks to publish data on charges and "
                "complaints in a comparable form, and by cracking down harder on mis-selling. "
                "But the change has to come from boardrooms. Banks that treat small savers as "
                "valued customers rather than captive sources of fees will find, over time, "
                "that the deposits follow."
            ),
        ],
    },
    {
        "slug": "coalitions-are-messy-that-is-their-strength",
        "headline": "Coalitions are messy. That is their strength",
        "standfirst": (
            "Every row between allies is read as a sign of weakness. It is better understood "
            "as the system working as intended."
        ),
        "section": "opinion",
        "authors": ["kabir-malhotra"],
        "dateline": "NEW DELHI",
        "published": "days_ago:40",
        "access": "metered",
        "body": [
            (
                "Every time allies in a governing coalition fall out, the commentary follows a "
                "familiar script. The government is said to be weak, policy paralysed, "
                "investors nervous. A preference for single-party majorities, strong and "
                "decisive, has become close to conventional wisdom among business leaders and "
                "commentators. It deserves more scrutiny than it usually gets."
            ),
            (
                "Some of India's most consequential economic reforms were carried out by "
                "coalition and minority governments, which had to negotiate every major "
                "decision with partners who had their own constituencies. Negotiation slowed "
                "things down. It also forced governments to explain themselves, to accommodate "
                "regional concerns and to build a consensus that made reforms harder to "
                "reverse when power changed hands."
            ),
            "## Friction as a feature",
            (
                "The friction that coalitions introduce is usually described as a cost. But in "
                "a country as large and varied as India, friction is frequently a form of "
                "information. When an ally representing farmers in one region objects to a "
                "land law, it is telling the government something about how that law will be "
                "received on the ground. Ignoring the signal does not make the objection "
                "disappear; it only postpones it."
            ),
            (
                "Single-party majorities can move faster, and speed has value, particularly in "
                "a crisis. But they also make it easier to push through poorly drafted laws "
                "with little debate, to bypass parliamentary committees and to concentrate "
                "decisions in a small circle. The result is often laws that must be amended "
                "repeatedly, or withdrawn, after they meet resistance that a coalition partner "
                "might have flagged at the start."
            ),
            (
                "None of this is an argument for instability. Coalitions that collapse every "
                "year serve no one. But a coalition that argues, bargains and occasionally "
                "sends a bill back to committee is not failing. It is doing what a "
                "parliamentary democracy in a federal country is supposed to do: making sure "
                "that more than one set of interests is heard before the law of the land is "
                "changed."
            ),
        ],
    },
    {
        "slug": "no-time-for-a-timid-central-bank",
        "headline": "This is no time for a timid central bank",
        "standfirst": (
            "The RBI has begun to ease. With credit markets frozen around the world, it needs "
            "to move faster and further."
        ),
        "section": "opinion",
        "authors": ["siddharth-menon"],
        "dateline": "MUMBAI",
        "published": "2008-10-10T07:00",
        "access": "metered",
        "body": [
            (
                "The Reserve Bank of India has acted this week, cutting the cash reserve ratio "
                "and pumping money into a banking system that has been starved of it since the "
                "collapse of Lehman Brothers last month. The move was welcome. It was also, in "
                "all likelihood, not enough. The central bank should be preparing for a "
                "sustained easing, including cuts in its policy interest rates, and it should "
                "say so clearly."
            ),
            (
                "Until a few weeks ago, the central bank's main concern was inflation, which "
                "touched double digits over the summer on the back of high oil and food "
                "prices. That concern was legitimate then. It is much less so now. Oil prices "
                "have fallen by more than a third from their peak, commodity prices are "
                "tumbling, and the global economy is heading into what may be its worst "
                "recession in decades."
            ),
            "## Credit is the channel",
            (
                "The bigger danger for India is not imported inflation but a sudden stop in "
                "credit. Companies that relied on overseas borrowing are finding those markets "
                "shut. Mutual funds facing redemptions cannot roll over the short-term loans "
                "they made to finance companies and property developers. Banks, uncertain "
                "about each other's exposures, are hoarding cash. Left unchecked, this will "
                "turn a financial shock into a sharp slowdown in growth and jobs."
            ),
            (
                "> The cost of doing too much can be corrected later. The cost of doing too "
                "little will be measured in lost jobs. — Siddharth Menon, Contributing "
                "Columnist"
            ),
            (
                "Critics will argue that easing now risks reigniting inflation and undermining "
                "the rupee. Those risks are real, but they are manageable, and they are "
                "smaller than the risks of inaction. A central bank that cuts rates and later "
                "finds it has overdone it can raise them again. One that waits too long may "
                "find that the damage to the banking system and to business confidence takes "
                "years to repair."
            ),
            (
                "The RBI has a strong record of prudence, and that record is an asset in a "
                "crisis: it gives the bank the credibility to ease aggressively without "
                "markets concluding that it has lost its nerve on inflation. It should use "
                "that credibility now. Gradualism served India well in good times. These are "
                "not good times."
            ),
        ],
    },
    {
        "slug": "inflation-not-growth-should-keep-the-rbi-awake",
        "headline": "Inflation, not growth, should keep the RBI awake at night",
        "standfirst": (
            "Calls for the central bank to stop raising rates are growing louder. They are "
            "premature while prices keep rising at this pace."
        ),
        "section": "opinion",
        "authors": ["meera-krishnan"],
        "dateline": "MUMBAI",
        "published": "2011-06-20T07:00",
        "access": "metered",
        "body": [
            (
                "The Reserve Bank of India raised interest rates again last week, its tenth "
                "increase in about fifteen months, and the chorus of complaint from industry "
                "has grown louder. Borrowing costs are hurting investment, business leaders "
                "say, and growth is slowing. They have a point about the slowdown. But they "
                "are wrong about the remedy, and the central bank is right to hold its course."
            ),
            (
                "Headline inflation has been above 8 per cent for well over a year, and the "
                "latest reading was above 9 per cent. This is no longer simply a matter of "
                "food prices, which might be expected to ease after a good harvest. Inflation "
                "has spread to manufactured goods and services, as companies pass on higher "
                "costs and workers demand higher wages. Once that happens, inflation becomes "
                "much harder to dislodge."
            ),
            "## The cost of giving up",
            (
                "The risk of stopping too early is that inflation expectations become "
                "entrenched. Households that expect prices to keep rising shift their savings "
                "into gold and property rather than bank deposits, starving the financial "
                "system of funds. Workers build inflation into their wage demands, and "
                "businesses into their prices. The eventual cost of bringing inflation down "
                "then rises, requiring even higher interest rates for even longer."
            ),
            (
                "Growth is slowing, but not collapsing. Part of the slowdown reflects problems "
                "that lower interest rates cannot fix: delays in environmental clearances, "
                "disputes over land acquisition and uncertainty about policy. Cutting rates "
                "would not unblock a stalled power project or a mine awaiting approval. It "
                "would, however, add fuel to an inflation that is hurting the poor far more "
                "than it hurts the companies complaining loudest."
            ),
            (
                "The government, too, must do its part. A fiscal deficit that remains "
                "stubbornly high keeps demand elevated and makes the central bank's job "
                "harder. Fuel subsidies, which shield consumers from global oil prices, blunt "
                "the effect of monetary policy. Until fiscal policy pulls in the same "
                "direction, the RBI will have to carry more of the burden, and it should not "
                "flinch from doing so."
            ),
        ],
    },
]
