"""Demo content for the Theme of the Month forum.

Plain data only: members, and four monthly themes (two archived, the current
one and one upcoming) with their panels, resources, threaded discussions and
panel questions. Times are relative to the day the demo is loaded.
"""
from __future__ import annotations

MEMBERS = [
    {
        "key": "rdelgado",
        "display_name": "Rosa Delgado",
        "email": "rosa.delgado@example.org",
        "role": "moderator",
        "position": "Community co-facilitator; former high school chemistry teacher",
        "organisation": "STEM Teacher Leader Network",
        "location": "Denver, CO",
        "bio": (
            "I taught high school chemistry for twelve years before moving into "
            "teacher leadership work, and I co-facilitate Theme of the Month with Tom. "
            "I still sub in chemistry classes whenever a local school will have me. "
            "What I care about most is making leadership roles sustainable for the "
            "people in them."
        ),
    },
    {
        "key": "tnakamura",
        "display_name": "Tom Nakamura",
        "email": "tom.nakamura@example.edu",
        "role": "moderator",
        "position": "Community co-facilitator; former middle school math coach",
        "organisation": "Center for STEM Teaching, Lakeshore State University",
        "location": "Madison, WI",
        "bio": (
            "I coached middle school math teachers for nine years and now run teacher "
            "leader programs at a university center. I co-facilitate Theme of the Month "
            "with Rosa. Ask me about meeting protocols; I have far too many."
        ),
    },
    {
        "key": "sbrennan",
        "display_name": "Siobhan Brennan",
        "email": "siobhan.brennan@example.org",
        "role": "admin",
        "position": "Community manager",
        "organisation": "STEM Teacher Leader Network",
        "location": "Boston, MA",
        "bio": (
            "I keep the lights on here: accounts, events and the webinar calendar. "
            "Before this I ran professional learning programs for a science museum. "
            "If something on the site isn't working, I'm the person to tell."
        ),
    },
    {
        "key": "jwheeler",
        "display_name": "Jackie Wheeler",
        "email": "jackie.wheeler@example.org",
        "role": "member",
        "position": "Middle school science coach",
        "organisation": "Riverside Unified School District",
        "location": "Sacramento, CA",
        "bio": (
            "I'm a half-time science coach and a half-time 7th grade science teacher, "
            "fourteen years in, mostly in middle school. I'm happiest when a lab goes "
            "sideways and the kids work out why."
        ),
    },
    {
        "key": "dabernathy",
        "display_name": "Darnell Abernathy",
        "email": "darnell.abernathy@example.org",
        "role": "member",
        "position": "Physics teacher and multi-classroom leader",
        "organisation": "Piedmont County Schools",
        "location": "Charlotte, NC",
        "bio": (
            "I teach physics and lead a team of three physical science teachers as part "
            "of our district's Opportunity Culture work. Before teaching I spent four "
            "years as an electrical engineer. I also coach our Science Olympiad team, "
            "badly but with enthusiasm."
        ),
    },
    {
        "key": "lhusain",
        "display_name": "Leila Hussain",
        "email": "leila.hussain@example.org",
        "role": "member",
        "position": "Elementary math specialist",
        "organisation": "Maple Grove Elementary School",
        "location": "Columbus, OH",
        "bio": (
            "I support K-5 teachers in math and, lately, in engineering design as well. "
            "I taught 2nd and 3rd grade for eight years before becoming a specialist. "
            "I believe every child can reason mathematically if we give them something "
            "worth reasoning about."
        ),
    },
    {
        "key": "gpetrov",
        "display_name": "Greg Petrovic",
        "email": "greg.petrovic@example.org",
        "role": "member",
        "position": "District STEM coordinator",
        "organisation": "Cedar Valley Community School District",
        "location": "Cedar Rapids, IA",
        "bio": (
            "I coordinate K-12 STEM for a district of about 17,000 students, after ten "
            "years teaching high school earth science. Most of my job is finding the "
            "time and money for teachers to do what they already know would work."
        ),
    },
    {
        "key": "amartinez",
        "display_name": "Ana Martínez",
        "email": "ana.martinez@example.org",
        "role": "member",
        "position": "Principal",
        "organisation": "Sunnyside K-8 School",
        "location": "Tucson, AZ",
        "bio": (
            "I've been principal at Sunnyside for six years, after teaching middle school "
            "science and serving as an assistant principal. I try to teach at least one "
            "hour a week. I joined this community to hear from teacher leaders what "
            "principals get wrong."
        ),
    },
    {
        "key": "pchandrasekar",
        "display_name": "Priya Chandrasekar",
        "email": "priya.chandrasekar@example.edu",
        "role": "member",
        "position": "Associate professor of science education",
        "organisation": "Northern Plains University",
        "location": "Fargo, ND",
        "bio": (
            "I prepare elementary and secondary science teachers and study how teacher "
            "leaders support their colleagues. I taught high school biology in Chicago "
            "before graduate school. I'm here mostly to learn from practitioners, and "
            "now and then to share a study that might help."
        ),
    },
    {
        "key": "bwhitehorse",
        "display_name": "Ben Whitehorse",
        "email": "ben.whitehorse@example.org",
        "role": "member",
        "position": "CTE engineering teacher",
        "organisation": "Red Mesa Career and Technical Center",
        "location": "Albuquerque, NM",
        "bio": (
            "I teach the engineering design and manufacturing pathway at a career center "
            "that serves five high schools. I was a machinist for eleven years before I "
            "started teaching. I'm always looking for science teachers who want to "
            "borrow my shop."
        ),
    },
    {
        "key": "mjohansson",
        "display_name": "Marit Johansson",
        "email": "marit.johansson@example.org",
        "role": "member",
        "position": "Science teacher",
        "organisation": "Harbor View Alternative High School",
        "location": "Tacoma, WA",
        "bio": (
            "I teach every science course at a small alternative high school, plus an "
            "advisory group. Many of my students work full time or are parents, so "
            "flexibility is everything. I'm interested in how leadership works in small "
            "schools that don't fit the usual models."
        ),
    },
    {
        "key": "ckim",
        "display_name": "Caroline Kim",
        "email": "caroline.kim@example.org",
        "role": "member",
        "position": "5th grade teacher and grade-level lead",
        "organisation": "Hillcrest Elementary School",
        "location": "Fairfax, VA",
        "bio": (
            "I teach 5th grade and lead our grade-level team. After a summer engineering "
            "fellowship I became the unofficial engineering person at my school. I'm "
            "trying to learn how to lead without burning out."
        ),
    },
    {
        "key": "eadeyemi",
        "display_name": "Emmanuel Adeyemi",
        "email": "emmanuel.adeyemi@example.org",
        "role": "member",
        "position": "Secondary science department head",
        "organisation": "Lakeshore Collegiate Institute",
        "location": "Toronto, ON, Canada",
        "bio": (
            "I lead a science department of eleven teachers and teach Grade 9 and "
            "Grade 12 biology. I started my career in a re-engagement program for "
            "students who had left school. I'm interested in how a department turns "
            "into a real team."
        ),
    },
    {
        "key": "nbaptiste",
        "display_name": "Nadia Baptiste",
        "email": "nadia.baptiste@example.org",
        "role": "member",
        "position": "Director of teaching and learning",
        "organisation": "Bayou Parish Schools",
        "location": "Baton Rouge, LA",
        "bio": (
            "I lead curriculum and professional learning for a district of 24 schools. "
            "I was a middle school math teacher and a math coach before moving to the "
            "district office. My current obsession is making release time actually happen."
        ),
    },
]


THEMES = [
    # ------------------------------------------------------------------
    # Archived theme 1
    # ------------------------------------------------------------------
    {
        "slug": "leading-without-leaving-the-classroom",
        "title": "Leading without leaving the classroom",
        "opens_days_ago": 95,
        "open_for_days": 28,
        "summary": (
            "Many of the strongest STEM teachers are told that the only way to grow is "
            "to leave the classroom. This month we look at the alternatives: hybrid "
            "roles, multi-classroom leadership models such as Opportunity Culture, and "
            "the informal leadership that happens in department meetings and hallways. "
            "We'll dig into what makes these roles last, from protected time and "
            "stipends to clear boundaries around evaluation."
        ),
        "blog_post": (
            "When we surveyed members last spring, the most common request was some "
            "version of one question: _how do I take on more responsibility without "
            "giving up my own students?_ For a lot of STEM teachers, the traditional "
            "career ladder has exactly one rung above the classroom, and it leads to "
            "an office.\n\n"
            "That is starting to change. Districts are experimenting with **hybrid "
            "roles** (part teaching, part coaching), **multi-classroom leadership** in "
            "the style of Opportunity Culture, where a strong teacher leads a small "
            "team and is paid from a restructured budget, and residency roles that "
            "pair classroom teachers with university partners. None of these is a "
            "silver bullet, and each raises its own questions:\n\n"
            "- Who protects the leader's time when the building is short-staffed?\n"
            "- Where does the money come from, and what happens when a grant ends?\n"
            "- How do you lead your peers without becoming their evaluator?\n\n"
            "Our panel brings together a multi-classroom leader, a district director "
            "of teacher leadership, a researcher who studies distributed leadership, "
            "and a rural principal who rebuilt his staffing model from scratch. Bring "
            "your questions; the ones we can't get to on the night will be posted into "
            "the discussion.\n\n"
            "> The hardest part of the job wasn't the coaching. It was learning to "
            "leave a problem on my desk so I could go and teach fourth period.\n\n"
            "A member said that during one of our planning calls, and it captures "
            "what we hope this month is about: honest talk about what these roles ask "
            "of people. Start with the [hybrid roles planning guide]"
            "(https://resources.example.org/teacher-leadership/hybrid-roles-planning-guide), "
            "then come and introduce yourself in the kick-off thread.\n\n"
            "— Rosa and Tom"
        ),
        "panel": {
            "title": "Hybrid roles that last: teacher leaders on time, pay and authority",
            "hours_after_opening": 71,
            "recording_url": "https://videos.example.org/panels/hybrid-roles-that-last",
            "panelists": [
                {
                    "name": "Yvonne Castellanos",
                    "bio": (
                        "Multi-classroom leader for 7th and 8th grade science at a middle "
                        "school in Texas. She leads a team of four teachers and still "
                        "teaches one section of 8th grade herself."
                    ),
                },
                {
                    "name": "Marcus Bell",
                    "bio": (
                        "Former high school physics teacher who now directs the teacher "
                        "leadership pathway for a mid-sized district in Tennessee."
                    ),
                },
                {
                    "name": "Dr. Hannah Lindqvist",
                    "bio": (
                        "Associate professor of education policy who studies distributed "
                        "leadership and career pathways in secondary science departments."
                    ),
                },
                {
                    "name": "Samuel Oyelaran",
                    "bio": (
                        "Principal of a rural K-12 school in Minnesota that redesigned its "
                        "staffing around hybrid teacher leader roles."
                    ),
                },
            ],
        },
        "resources": [
            {
                "title": "Designing hybrid teacher leader roles: a planning guide",
                "url": "https://resources.example.org/teacher-leadership/hybrid-roles-planning-guide",
                "kind": "tool",
                "note": "Worksheets for splitting a role between teaching and leading, including a time audit and a sample agreement with the principal.",
            },
            {
                "title": "Multi-classroom leadership: what the first five years taught us",
                "url": "https://research.example.edu/reports/multi-classroom-leadership-five-years",
                "kind": "report",
                "note": "Findings on retention, student outcomes and budget trade-offs from districts that adopted team-based staffing.",
            },
            {
                "title": "A day in the life of a multi-classroom leader",
                "url": "https://videos.example.org/stories/day-in-the-life-mcl",
                "kind": "video",
                "note": "Follows a science team leader from co-planning at 7 a.m. to a debrief after school; good for sharing with staff considering the role.",
            },
            {
                "title": "Five questions to ask before you accept a teacher leader stipend",
                "url": "https://blog.example.org/teacher-leadership/five-questions-before-the-stipend",
                "kind": "article",
                "note": "A short, practical checklist on time, authority and what happens when the funding changes.",
            },
            {
                "title": "Leading from the Lab Bench: Teacher Leadership in STEM",
                "url": "https://books.example.org/leading-from-the-lab-bench",
                "kind": "book",
                "note": "Case studies of science and math teachers who lead while still teaching, with chapters on coaching peers.",
            },
        ],
        "threads": [
            {
                "title": "Kick-off: What does leadership look like from your classroom?",
                "author": "rdelgado",
                "facilitated": True,
                "pinned": True,
                "locked": False,
                "days_after_opening": 0.4,
                "body": (
                    "Welcome to our first theme of the year! We'd love to start by "
                    "hearing where you are right now. Tell us:\n\n"
                    "1. What leadership work do you do at the moment, formal or informal?\n"
                    "2. Honestly, how much of your week is protected for it?\n"
                    "3. What one thing would make that work more sustainable?\n\n"
                    "Informal leadership counts. If you're the person everyone asks about "
                    "the new probeware, that's leadership."
                ),
                "replies": [
                    {
                        "author": "jwheeler",
                        "hours_after_parent": 3.5,
                        "body": (
                            "I'm in my second year as a half-time science coach and "
                            "half-time 7th grade teacher. On paper that's 50/50. In "
                            "practice the teaching half is always protected, because "
                            "there are kids in front of me, and the coaching half gets "
                            "eaten by whatever is on fire that week: covering classes, "
                            "testing logistics, a curriculum order that went missing. "
                            "I'd guess I get about a third of the coaching time I'm "
                            "supposed to have.\n\n"
                            "The one thing that would help is a written agreement with my "
                            "principal about what I **can't** be pulled for. We started "
                            "drafting one last month."
                        ),
                        "replies": [
                            {
                                "author": "tnakamura",
                                "hours_after_parent": 6,
                                "body": (
                                    "Jackie, the written agreement deserves its own "
                                    "thread. Would you share what's in the draft once "
                                    "it's settled? I'm curious whether you listed "
                                    "specific tasks or protected specific blocks of time."
                                ),
                                "replies": [
                                    {
                                        "author": "jwheeler",
                                        "hours_after_parent": 20,
                                        "body": (
                                            "Blocks of time, after a false start. Our "
                                            "first version was a list of tasks (not a "
                                            "sub, not the test coordinator) and it fell "
                                            "apart the first week someone was out sick, "
                                            "because every situation felt like an "
                                            "exception. The new version is simpler: "
                                            "**Tuesday and Thursday mornings are coaching, "
                                            "full stop.** If the building is short, I can "
                                            "be pulled on Monday, Wednesday or Friday. My "
                                            "principal signed it and it's taped above my desk."
                                        ),
                                        "replies": [
                                            {
                                                "author": "lhusain",
                                                "hours_after_parent": 9,
                                                "body": (
                                                    "Do your teachers know about those "
                                                    "protected mornings? I learned the hard "
                                                    "way that if the teachers I support "
                                                    "don't know my schedule, they don't "
                                                    "book me, and then the office sees an "
                                                    "empty calendar and fills it. I now "
                                                    "share a booking link at every grade-"
                                                    "level meeting and it's made my coaching "
                                                    "time much easier to defend."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                    {
                        "author": "dabernathy",
                        "hours_after_parent": 7,
                        "body": (
                            "I'm a multi-classroom leader for physics and physical science "
                            "at our high school, part of the district's Opportunity Culture "
                            "rollout. I teach two sections and lead a team of three: two "
                            "first-year teachers and a career switcher from civil "
                            "engineering, about 380 students in all. I co-plan with each "
                            "of them weekly, co-teach when they're trying something new, "
                            "and I'm accountable for the team's results.\n\n"
                            "The supplement is real, around $14,000, and it's paid for by "
                            "leaving one teaching position unfilled and restructuring the "
                            "budget. I think it's worth being upfront about that.\n\n"
                            "Protected time? Yes, because it's built into the master "
                            "schedule rather than bolted on. That's the single biggest "
                            "difference from the department chair role I had before."
                        ),
                        "replies": [
                            {
                                "author": "mjohansson",
                                "hours_after_parent": 5,
                                "body": (
                                    "Genuine question, not a gotcha: how did the team "
                                    "feel about the unfilled position? At my last school "
                                    "a similar move meant bigger classes, and teachers "
                                    "felt like the leader's raise had come out of their "
                                    "hides."
                                ),
                                "replies": [
                                    {
                                        "author": "dabernathy",
                                        "hours_after_parent": 11,
                                        "body": (
                                            "Fair question, and it came up. Class sizes "
                                            "went up by two or three on paper, but students "
                                            "spend more time in flexible groups because "
                                            "there are two adults in the room more often, "
                                            "and we added a paraprofessional who handles "
                                            "lab setup and grading logistics. My teammates "
                                            "also get a smaller supplement of their own.\n\n"
                                            "I won't pretend everyone loved it in year one. "
                                            "One of the first-years told me in October that "
                                            "she felt watched. That's when I stopped "
                                            "dropping in unannounced."
                                        ),
                                        "replies": [
                                            {
                                                "author": "mjohansson",
                                                "hours_after_parent": 4,
                                                "body": (
                                                    "That last line is the whole lesson, "
                                                    "isn't it. Thank you for being straight "
                                                    "about it."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                            {
                                "author": "amartinez",
                                "hours_after_parent": 26,
                                "body": (
                                    "Principal here. We looked hard at a multi-classroom "
                                    "model for our K-8 and ended up going halfway: two "
                                    "hybrid roles, funded by converting an assistant "
                                    "principal position we hadn't been able to fill "
                                    "anyway. What I'd tell any principal considering "
                                    "this: **do the budget math with your teachers in "
                                    "the room.** Once people see the trade-offs, they stop "
                                    "assuming the money came from nowhere, or from them."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                    {
                        "key": "q1",
                        "author": "rdelgado",
                        "hours_after_parent": 66,
                        "body": (
                            "From the panel Q&A:\n\n"
                            "> How do you keep colleagues from seeing a multi-classroom "
                            "leader as their evaluator, especially when the leader is "
                            "responsible for the team's results?\n"
                            ">\n"
                            "> — posed by Tanya Brooks, 6th grade math teacher\n\n"
                            "Yvonne's answer on the panel was that she never writes "
                            "anything down in a colleague's room unless they've asked her "
                            "to look for something specific. Marcus added that in his "
                            "district, teacher leaders are excluded from formal evaluation "
                            "by contract. How is this handled where you are?"
                        ),
                        "replies": [
                            {
                                "author": "ckim",
                                "hours_after_parent": 5,
                                "body": (
                                    "Teacher leaders at my school aren't evaluators, but "
                                    "we *are* asked to share 'trends' with the principal, "
                                    "and everyone knows that's a gray area. I've started "
                                    "telling teachers exactly what I'll share before I "
                                    "visit: patterns across the grade level, never names. "
                                    "It helps, but I don't think it fully solves it."
                                ),
                                "replies": [
                                    {
                                        "author": "dabernathy",
                                        "hours_after_parent": 8,
                                        "body": (
                                            "Same approach here, with one addition: my "
                                            "teammates read anything I send up the chain "
                                            "before it goes. It's slower, but it's the "
                                            "reason they still invite me in."
                                        ),
                                        "replies": [],
                                    },
                                ],
                            },
                            {
                                "author": "amartinez",
                                "hours_after_parent": 12,
                                "body": (
                                    "Speaking as the person on the receiving end of those "
                                    "trend reports: I'd rather get a vaguer report and "
                                    "keep the trust. If a teacher leader ever feels I'm "
                                    "using them as a second pair of eyes for evaluation, "
                                    "I've done something wrong, not them."
                                ),
                                "replies": [],
                            },
                            {
                                "author": "pchandrasekar",
                                "hours_after_parent": 22,
                                "body": (
                                    "There's some useful research on exactly this "
                                    "tension. In schools where teacher leaders held both "
                                    "coaching and evaluative duties, teachers were less "
                                    "willing to try unfamiliar practices in front of "
                                    "them, even when the leaders were well liked and "
                                    "well respected.[^1] So the separation matters "
                                    "_structurally_, not just interpersonally. Good "
                                    "intentions on the leader's part don't cancel out a "
                                    "job description that says otherwise.\n\n"
                                    "[^1]: H. Lindqvist and J. Park, _Distributed "
                                    "Leadership in Secondary Science Departments_, 2019."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                    {
                        "key": "q2",
                        "author": "tnakamura",
                        "hours_after_parent": 70,
                        "body": (
                            "From the panel Q&A:\n\n"
                            "> Our hybrid roles are paid for by a three-year grant. What "
                            "happens to the stipend, and the role, when the grant ends?\n"
                            ">\n"
                            "> — posed by Luis Ferreira, high school chemistry teacher and "
                            "science department chair\n\n"
                            "The panel ran out of time before this one, so over to you. "
                            "Has anyone lived through the end of a grant-funded "
                            "leadership role?"
                        ),
                        "replies": [
                            {
                                "author": "gpetrov",
                                "hours_after_parent": 14,
                                "body": (
                                    "Yes, twice. The first time, the roles simply ended. "
                                    "Our best coach went back to full-time teaching, then "
                                    "left for a neighboring district that paid for the "
                                    "role. The second time we planned for it from year "
                                    "one: each year of the grant we moved a third of the "
                                    "cost onto the general fund. It was painful in budget "
                                    "meetings, but the roles survived.\n\n"
                                    "If your grant doesn't have a sustainability plan, "
                                    "ask for one now, not in year three."
                                ),
                                "replies": [
                                    {
                                        "author": "nbaptiste",
                                        "hours_after_parent": 6,
                                        "body": (
                                            "Greg, did you get pushback from your board "
                                            "on the general fund shift? Ours will fund "
                                            "almost anything in year one and almost "
                                            "nothing in year three."
                                        ),
                                        "replies": [
                                            {
                                                "author": "gpetrov",
                                                "hours_after_parent": 18,
                                                "body": (
                                                    "Plenty. What worked was retention "
                                                    "data. In the two schools with hybrid "
                                                    "roles, STEM teacher turnover roughly "
                                                    "halved over the grant period, and once "
                                                    "the board saw what it costs to recruit "
                                                    "and train a replacement physics "
                                                    "teacher, the stipends looked cheap."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                            {
                                "author": "bwhitehorse",
                                "hours_after_parent": 20,
                                "body": (
                                    "CTE has a slightly different lever. Part of our "
                                    "engineering pathway lead's role is funded through "
                                    "our federal CTE allocation as professional "
                                    "development for the pathway teachers. If your "
                                    "hybrid role touches engineering or computer science, "
                                    "it's worth a conversation with your CTE director "
                                    "about what's allowed."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "title": "Leading when you're the whole science department",
                "author": "mjohansson",
                "facilitated": False,
                "pinned": False,
                "locked": False,
                "days_after_opening": 4.5,
                "body": (
                    "I teach at an alternative high school with 110 students and nine "
                    "teachers. I *am* the science department: biology, chemistry, earth "
                    "science, and a credit-recovery physics course that runs on an online "
                    "platform I mostly supervise. Every conversation about teacher "
                    "leadership this month seems to assume there's a team to lead.\n\n"
                    "So what does leadership look like when nobody else teaches your "
                    "subject? Right now my answer is that I lead across subjects (I run "
                    "our advisory curriculum and coordinate project weeks), but I miss "
                    "talking science with other science teachers. Anyone else in a "
                    "similar spot at a small or alternative school?"
                ),
                "replies": [
                    {
                        "author": "gpetrov",
                        "hours_after_parent": 10,
                        "body": (
                            "Marit, this is a real blind spot in how districts think "
                            "about leadership roles. We have three small schools (an "
                            "alternative high school, a newcomer academy and a K-12 "
                            "online program), and their science teachers were invisible "
                            "in our structures. Last year we started a cross-school "
                            "science network that meets monthly, with a stipend for the "
                            "teacher who facilitates it. The facilitator role rotates. "
                            "It isn't a multi-classroom team, but it is leadership, and "
                            "for some of those teachers it's the only science talk they get."
                        ),
                        "replies": [
                            {
                                "author": "mjohansson",
                                "hours_after_parent": 7,
                                "body": (
                                    "How do you handle timing? Our students' day ends at "
                                    "1:45 because so many of them work, but district "
                                    "meetings are still scheduled around the "
                                    "comprehensive high schools."
                                ),
                                "replies": [
                                    {
                                        "author": "gpetrov",
                                        "hours_after_parent": 15,
                                        "body": (
                                            "We pay the stipend hourly and let each network "
                                            "pick its own time. The small-schools group "
                                            "meets 2:30 to 4:00 on the second Wednesday, "
                                            "which only works because the alternative "
                                            "school finishes early. So your short day "
                                            "might actually be an advantage."
                                        ),
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                    {
                        "author": "ckim",
                        "hours_after_parent": 20,
                        "body": (
                            "Not the same situation, but a similar feeling: I'm the only "
                            "5th grade teacher at my school who has taught the engineering "
                            "units, so I 'lead' by default with no one to think alongside. "
                            "I found a planning partner at another school through this "
                            "community and we meet over video every other week. Not ideal, "
                            "but far better than planning alone."
                        ),
                        "replies": [
                            {
                                "author": "mjohansson",
                                "hours_after_parent": 3,
                                "body": (
                                    "I would love an online partner. Any other "
                                    "alternative school science teachers lurking here? "
                                    "Say hi!"
                                ),
                                "replies": [
                                    {
                                        "author": "eadeyemi",
                                        "hours_after_parent": 30,
                                        "body": (
                                            "Not alternative school now, but I started my "
                                            "career in a re-engagement program in Toronto, "
                                            "teaching all the sciences to students who had "
                                            "left school. Happy to talk.\n\n"
                                            "One thought: at a school like yours, the "
                                            "leadership that matters most is often how you "
                                            "shape the *whole* school's approach to "
                                            "students, and science teachers are good at "
                                            "that because we think in systems. Your project "
                                            "weeks are leadership."
                                        ),
                                        "replies": [
                                            {
                                                "author": "mjohansson",
                                                "hours_after_parent": 6,
                                                "body": (
                                                    "Sending you a message. And thank you "
                                                    "for the reframe. I've been treating the "
                                                    "cross-subject work as a consolation "
                                                    "prize."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                ],
            },
            {
                "title": "Is it okay to say no to a leadership role?",
                "author": "ckim",
                "facilitated": False,
                "pinned": False,
                "locked": False,
                "days_after_opening": 9,
                "body": (
                    "Last week I was asked to lead our school's first family STEM night, "
                    "on top of being grade-level lead and mentoring a student teacher. I "
                    "said yes before I'd thought about it, because that's what I always "
                    "do. My principal is supportive and would probably understand if I "
                    "backed out. But I worry that if I say no once, I'll stop being asked.\n\n"
                    "How do you decide what to say yes to?"
                ),
                "replies": [
                    {
                        "author": "tnakamura",
                        "hours_after_parent": 4,
                        "body": (
                            "A coach I worked with years ago gave me a rule: **every new "
                            "yes needs a named no.** Not a vague 'I'll manage', but a "
                            "specific thing that stops or gets handed to someone else. If "
                            "you can't name it, the answer is 'not this year.' It sounds "
                            "rigid, but it made my conversations with principals much "
                            "easier, because I was bringing a trade rather than a complaint."
                        ),
                        "replies": [
                            {
                                "author": "ckim",
                                "hours_after_parent": 2,
                                "body": "Thanks, Tom. That's going on a sticky note on my monitor.",
                                "replies": [],
                            },
                        ],
                    },
                    {
                        "author": "amartinez",
                        "hours_after_parent": 9,
                        "body": (
                            "A principal's view, for what it's worth: when a teacher says "
                            "no to me and gives a reason, my opinion of them goes up, not "
                            "down. The teachers I worry about are the ones who never say "
                            "no, because I can't tell when they're close to the edge. Tell "
                            "your principal what you'd need to do STEM night well. You "
                            "might be surprised by the answer."
                        ),
                        "replies": [
                            {
                                "author": "jwheeler",
                                "hours_after_parent": 12,
                                "body": (
                                    "Ana, I wish every principal thought this way. I "
                                    "think a lot of our hesitation comes from early in "
                                    "our careers, when saying no really did have "
                                    "consequences. It takes years to unlearn."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
        ],
        "panel_questions": [
            {
                "question": (
                    "How do you keep colleagues from seeing a multi-classroom leader as "
                    "their evaluator, especially when the leader is responsible for the "
                    "team's results?"
                ),
                "asked_by": "Tanya Brooks, 6th grade math teacher",
                "source": "webinar_qa",
                "published_as": "q1",
            },
            {
                "question": (
                    "Our hybrid roles are paid for by a three-year grant. What happens to "
                    "the stipend, and the role, when the grant ends?"
                ),
                "asked_by": "Luis Ferreira, high school chemistry teacher and science department chair",
                "source": "webinar_chat",
                "published_as": "q2",
            },
            {
                "question": (
                    "Do hybrid roles work in elementary schools, where most teachers are "
                    "generalists rather than subject specialists?"
                ),
                "asked_by": "Keisha Monroe, 3rd grade teacher",
                "source": "webinar_qa",
                "published_as": None,
            },
            {
                "question": (
                    "What training did the multi-classroom leaders receive before they "
                    "started leading a team, and who provided it?"
                ),
                "asked_by": "Patrick Dunleavy, assistant principal",
                "source": "email",
                "published_as": None,
            },
        ],
    },
    # ------------------------------------------------------------------
    # Archived theme 2
    # ------------------------------------------------------------------
    {
        "slug": "makerspaces-and-engineering-design-in-every-grade",
        "title": "Makerspaces and engineering design in every grade",
        "opens_days_ago": 65,
        "open_for_days": 28,
        "summary": (
            "Makerspaces have spread quickly, but many sit locked between special "
            "events or serve the same handful of enthusiastic students. This month is "
            "about weaving engineering design into regular instruction at every grade, "
            "from kindergarten cardboard challenges to high school CAD. We'll also cover "
            "the practical side that makes it work: storage, safety, scheduling and "
            "assessment."
        ),
        "blog_post": (
            "A confession to start: one of us (Tom) once helped a school spend $38,000 "
            "on a makerspace that was used for about six weeks a year. The 3D printers "
            "were beautiful. The room stayed locked most days because nobody had been "
            "trained on the laser cutter and the custodian was worried about the dust.\n\n"
            "That story is more common than most of us like to admit. The NGSS asks "
            "students in every grade band to **define problems, develop solutions and "
            "optimize designs**, so engineering isn't an elective or an after-school "
            "club; it's part of the science standards. But a room full of tools doesn't "
            "make that happen on its own.\n\n"
            "This month we want to hear about the unglamorous parts:\n\n"
            "- How do you fit engineering design into a regular class period, not just "
            "a special event?\n"
            "- Who uses the makerspace, and who quietly doesn't?\n"
            "- How do you assess the design process rather than the shine on the final "
            "product?\n"
            "- What does it look like in kindergarten? In AP Physics?\n\n"
            "Our panel includes a kindergarten teacher who runs a shared cardboard cart, "
            "a middle school makerspace coordinator who used to be a mechanical "
            "engineer, a rural high school engineering teacher, and a researcher who "
            "studies how young children revise their designs. The [equity audit report]"
            "(https://research.example.edu/reports/who-uses-the-makerspace) in this "
            "month's resources is a good conversation starter for your team.\n\n"
            "> Failure is data. It just needs somewhere to go.\n\n"
            "That sign hangs above panelist Jolene Tsosie's workbench, and we think it "
            "makes a good motto for the month.\n\n"
            "— Tom and Rosa"
        ),
        "panel": {
            "title": "From cardboard to CAD: engineering design from K to 12",
            "hours_after_opening": 47,
            "recording_url": "https://videos.example.org/panels/from-cardboard-to-cad",
            "panelists": [
                {
                    "name": "Dolores Finch",
                    "bio": (
                        "Kindergarten teacher in Ohio who runs a cardboard-and-tape "
                        "makerspace cart shared by four classrooms."
                    ),
                },
                {
                    "name": "Ravi Mehta",
                    "bio": (
                        "Makerspace coordinator at a suburban middle school outside "
                        "Chicago, and a mechanical engineer for ten years before he taught."
                    ),
                },
                {
                    "name": "Jolene Tsosie",
                    "bio": (
                        "Engineering and robotics teacher at a rural high school in "
                        "Arizona, where she also coaches the competition robotics team."
                    ),
                },
                {
                    "name": "Dr. Peter Gallagher",
                    "bio": (
                        "Professor of engineering education who studies how children in "
                        "the early grades test, revise and explain their designs."
                    ),
                },
            ],
        },
        "resources": [
            {
                "title": "Makerspace on a shoestring: a starter inventory",
                "url": "https://resources.example.org/makerspaces/starter-inventory",
                "kind": "tool",
                "note": "A tiered materials list by budget, starting with what you can collect for free from families and local businesses.",
            },
            {
                "title": "Engineering design across the grade bands",
                "url": "https://ngss-guide.example.org/engineering-design-grade-bands",
                "kind": "article",
                "note": "Shows how the NGSS engineering design expectations build from K-2 through high school, with a sample task for each band.",
            },
            {
                "title": "Shared makerspace safety checklist",
                "url": "https://resources.example.org/makerspaces/safety-checklist",
                "kind": "tool",
                "note": "Tool sign-offs, ventilation and supervision ratios; adapt it before you buy anything with a blade or a laser.",
            },
            {
                "title": "Failure is data: second graders redesign a marble run",
                "url": "https://videos.example.org/classrooms/marble-run-redesign",
                "kind": "video",
                "note": "Twelve minutes of unedited classroom footage of students testing, arguing and revising.",
            },
            {
                "title": "Who uses the makerspace? An equity audit of school maker programs",
                "url": "https://research.example.edu/reports/who-uses-the-makerspace",
                "kind": "report",
                "note": "Data on which students sign up for optional maker time, and the case for building it into regular classes instead.",
            },
        ],
        "threads": [
            {
                "title": "Kick-off: What's in your makerspace, and who actually uses it?",
                "author": "tnakamura",
                "facilitated": True,
                "pinned": True,
                "locked": False,
                "days_after_opening": 0.3,
                "body": (
                    "Welcome to engineering design month! To get us going, tell us about "
                    "your space, even if your \"space\" is a cart, a closet or two bins "
                    "under the sink:\n\n"
                    "- What's in it?\n"
                    "- Who uses it, and when?\n"
                    "- What's one thing you'd change if you could?\n\n"
                    "We know you all have strong opinions about storage bins. Share them."
                ),
                "replies": [
                    {
                        "author": "bwhitehorse",
                        "hours_after_parent": 4,
                        "body": (
                            "CTE engineering here, so I'm spoiled: two laser cutters, six "
                            "3D printers, a CNC router, a full set of hand tools, and a "
                            "room designed for all of it. Equipment isn't the problem. The "
                            "problem is that my room is used by pathway students and almost "
                            "nobody else. The science teachers down the hall have never "
                            "brought a class in.\n\n"
                            "What I'd change: a standing partnership with at least one "
                            "science course each semester. I have space after 2nd period."
                        ),
                        "replies": [
                            {
                                "author": "jwheeler",
                                "hours_after_parent": 6,
                                "body": (
                                    "Ben, I'd bet the science teachers are intimidated by "
                                    "the room. I would be! Have you tried going to them "
                                    "first with one small, ready-to-run design challenge "
                                    "that fits a unit they already teach?"
                                ),
                                "replies": [
                                    {
                                        "author": "bwhitehorse",
                                        "hours_after_parent": 10,
                                        "body": (
                                            "That's exactly what I'm trying this spring. "
                                            "Biology has a unit on the circulatory system, "
                                            "so I pitched a heart valve challenge: students "
                                            "design a one-way valve from a kit of parts, "
                                            "test it on a pump rig, and iterate. I'll cut "
                                            "the parts in advance so nobody needs a laser "
                                            "sign-off on day one."
                                        ),
                                        "replies": [
                                            {
                                                "author": "eadeyemi",
                                                "hours_after_parent": 8,
                                                "body": (
                                                    "We ran something similar with a "
                                                    "prosthetic hand challenge in Grade 10 "
                                                    "biology. Biggest lesson: give the "
                                                    "biology teacher the *engineering* "
                                                    "vocabulary ahead of time (criteria, "
                                                    "constraints, trade-offs) so she isn't "
                                                    "leaning on you to run the lesson. It "
                                                    "has to be her class with your support, "
                                                    "or it won't happen a second time."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                            {
                                "author": "rdelgado",
                                "hours_after_parent": 20,
                                "body": (
                                    "Ben, will you post an update once the heart valve "
                                    "unit runs? Cross-department stories like that are "
                                    "exactly what people come here looking for."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                    {
                        "author": "lhusain",
                        "hours_after_parent": 9,
                        "body": (
                            "Elementary math specialist here. Our \"makerspace\" is three "
                            "rolling carts we call the Tinker Carts, stocked mostly with "
                            "donations: cardboard, masking tape, craft sticks, binder "
                            "clips, string, paper cups and foil. Every K-5 class gets a "
                            "cart for at least one week a quarter. Our art teacher is the "
                            "unofficial cart manager and the unsung hero of the whole "
                            "thing.\n\n"
                            "What I'd change: I want more **math** in the design work. "
                            "Kids build a lot, but they rarely measure anything or "
                            "compare designs using data."
                        ),
                        "replies": [
                            {
                                "author": "ckim",
                                "hours_after_parent": 5,
                                "body": (
                                    "Leila, in 5th grade we've had luck with a test log "
                                    "for every design: three trials, the mean result, and "
                                    "one sentence about what changed since the last "
                                    "version. It's simple, but it makes kids average "
                                    "numbers for a reason they care about."
                                ),
                                "replies": [
                                    {
                                        "author": "lhusain",
                                        "hours_after_parent": 7,
                                        "body": (
                                            "Could you share the log? I'd love to adapt it "
                                            "for 2nd and 3rd grade with fewer trials and a "
                                            "picture graph."
                                        ),
                                        "replies": [
                                            {
                                                "author": "ckim",
                                                "hours_after_parent": 14,
                                                "body": (
                                                    "Here it is: [5th grade design test log]"
                                                    "(https://share.example.org/ckim/design-test-log). "
                                                    "Copy it and change anything you like. "
                                                    "For younger kids I'd drop the mean and "
                                                    "have them circle the best of the three "
                                                    "trials, then explain why they think it "
                                                    "was best."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                    {
                        "key": "q1",
                        "author": "tnakamura",
                        "hours_after_parent": 48,
                        "body": (
                            "From the panel Q&A:\n\n"
                            "> How do you grade an engineering design project without just "
                            "grading how good the final product is?\n"
                            ">\n"
                            "> — posed by Beth Heidemann, high school chemistry teacher\n\n"
                            "Peter's point on the panel was that the redesign is where the "
                            "learning shows, so that's what he'd weight most heavily. "
                            "Jolene grades engineering notebooks rather than products. "
                            "What do you do?"
                        ),
                        "replies": [
                            {
                                "author": "bwhitehorse",
                                "hours_after_parent": 6,
                                "body": (
                                    "Notebook plus a short design defense. Each student "
                                    "gets two minutes to explain one decision they made "
                                    "and the evidence that led to it. I grade the "
                                    "reasoning, not whether the bridge held. A team whose "
                                    "bridge collapsed at 4 kg but can explain exactly why "
                                    "can outscore a team whose bridge held 20 kg by luck."
                                ),
                                "replies": [
                                    {
                                        "author": "mjohansson",
                                        "hours_after_parent": 9,
                                        "body": (
                                            "I love the design defense. Do you do it in "
                                            "front of the whole class? Some of my "
                                            "students would shut down completely."
                                        ),
                                        "replies": [
                                            {
                                                "author": "bwhitehorse",
                                                "hours_after_parent": 5,
                                                "body": (
                                                    "Usually in front of the class, but "
                                                    "I've done them one-on-one at my desk "
                                                    "during build time, and for a couple of "
                                                    "students as a recorded voice memo. The "
                                                    "format matters less than the question: "
                                                    "_why did you make that choice?_"
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                            {
                                "author": "pchandrasekar",
                                "hours_after_parent": 16,
                                "body": (
                                    "A small caution from the research side: rubrics that "
                                    "score the _number_ of iterations tend to produce "
                                    "students who iterate for the sake of it, making "
                                    "trivial changes to hit the target. What seems to "
                                    "matter is whether each revision is **justified by a "
                                    "test result**.[^1] So I'd score the link between "
                                    "evidence and change, not the count.\n\n"
                                    "[^1]: P. Gallagher, _Why Did You Change It? "
                                    "Children's Justifications in Early Engineering "
                                    "Design_, 2020."
                                ),
                                "replies": [
                                    {
                                        "author": "tnakamura",
                                        "hours_after_parent": 4,
                                        "body": (
                                            "That's a really useful distinction, Priya. "
                                            "\"Iterations with a reason\" would make a "
                                            "good rubric row on its own."
                                        ),
                                        "replies": [],
                                    },
                                ],
                            },
                            {
                                "author": "gpetrov",
                                "hours_after_parent": 30,
                                "body": (
                                    "We wrote a district engineering design rubric last "
                                    "year with four rows: defining the problem, "
                                    "generating ideas, testing and revising, and "
                                    "communicating. The product itself isn't a row. High "
                                    "school teachers pushed back at first, but it has held "
                                    "up through a full year. It's here if anyone wants to "
                                    "adapt it: [Cedar Valley engineering design rubric]"
                                    "(https://stem.cedarvalley.example.org/engineering-design-rubric)."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                    {
                        "key": "q2",
                        "author": "rdelgado",
                        "hours_after_parent": 52,
                        "body": (
                            "From the panel Q&A:\n\n"
                            "> Our makerspace has become the place where the same fifteen "
                            "kids go at lunch. How do we get it into regular classes so "
                            "every student gets time there?\n"
                            ">\n"
                            "> — posed by Omar Siddiqui, middle school librarian\n\n"
                            "Ravi described a \"makerspace residency\" in which each "
                            "grade-level team books the room for a two-week unit. Other "
                            "ideas?"
                        ),
                        "replies": [
                            {
                                "author": "amartinez",
                                "hours_after_parent": 8,
                                "body": (
                                    "We had the same lunch-crowd problem. What shifted it "
                                    "was putting the makerspace on the master schedule "
                                    "instead of a sign-up sheet. Every 6th, 7th and 8th "
                                    "grade science class has a two-week block in the room "
                                    "each semester, printed on the schedule like any other "
                                    "room assignment. Lunch is still open, but it's no "
                                    "longer the only way in."
                                ),
                                "replies": [
                                    {
                                        "author": "jwheeler",
                                        "hours_after_parent": 10,
                                        "body": (
                                            "Ana, how did your science teachers feel about "
                                            "being assigned a block rather than choosing "
                                            "one? I can imagine some of ours seeing it as "
                                            "one more mandate."
                                        ),
                                        "replies": [
                                            {
                                                "author": "amartinez",
                                                "hours_after_parent": 6,
                                                "body": (
                                                    "Mixed at first: two teachers loved it "
                                                    "and one hated it. The compromise was "
                                                    "that each team chooses *which* unit "
                                                    "goes into the makerspace block, as long "
                                                    "as it has a real engineering design "
                                                    "component. Owning the unit made the "
                                                    "assigned time feel a lot less assigned."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                            {
                                "author": "nbaptiste",
                                "hours_after_parent": 24,
                                "body": (
                                    "It's worth looking at who those fifteen kids are. "
                                    "When we ran an audit like the one in this month's "
                                    "resources, our lunch regulars were overwhelmingly "
                                    "boys who already had tools at home. Once the space "
                                    "was built into classes, the mix changed almost "
                                    "overnight, and some of our most careful builders "
                                    "turned out to be girls who had never once signed up."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "title": "Laser cutter sign-off: what does your training process look like?",
                "author": "bwhitehorse",
                "facilitated": False,
                "pinned": False,
                "locked": False,
                "days_after_opening": 6,
                "body": (
                    "We just had a near miss: a student left a job running and walked "
                    "away, and a piece of acrylic flared up. Nobody was hurt and the "
                    "cutter is fine, but it was a wake-up call. I'm rewriting our sign-off "
                    "process and would love to see how others handle it.\n\n"
                    "What we have now:\n\n"
                    "1. Safety video and quiz (80% to pass)\n"
                    "2. Supervised first cut with me\n"
                    "3. Sign the log\n\n"
                    "What I'm adding:\n\n"
                    "- **Never leave a running job.** Pausing is fine; walking away isn't.\n"
                    "- A materials list posted on the machine: what's allowed and what's "
                    "banned (no PVC, no vinyl, nothing you can't identify).\n"
                    "- A file naming rule so I can see who is cutting what: "
                    "`lastname_period_project_v2.svg`\n\n"
                    "What am I missing?"
                ),
                "replies": [
                    {
                        "author": "gpetrov",
                        "hours_after_parent": 5,
                        "body": (
                            "Add a fire extinguisher check to the daily opening routine, "
                            "and check your manufacturer's guidance on what to keep at "
                            "hand for small flare-ups. We also require a second trained "
                            "person in the room, student or adult, whenever the laser is "
                            "running. Our district safety officer insisted on it after an "
                            "incident at another school."
                        ),
                        "replies": [
                            {
                                "author": "bwhitehorse",
                                "hours_after_parent": 3,
                                "body": "The second-person rule is a good one. That's going in.",
                                "replies": [],
                            },
                        ],
                    },
                    {
                        "author": "mjohansson",
                        "hours_after_parent": 11,
                        "body": (
                            "No laser here, but we have a 3D printer and the same problem "
                            "with unattended jobs. What helped was a laminated card on the "
                            "machine that says **JOB RUNNING: ATTENDED BY ____**, with a "
                            "dry-erase marker. Writing your name on it makes the "
                            "responsibility very concrete."
                        ),
                        "replies": [],
                    },
                    {
                        "author": "dabernathy",
                        "hours_after_parent": 26,
                        "body": (
                            "On the materials list: we keep a box of pre-approved scrap "
                            "next to the cutter. If it isn't from the box or from a sealed, "
                            "labeled package, it doesn't go in. Students stopped bringing "
                            "mystery plastic from home within about a week."
                        ),
                        "replies": [
                            {
                                "author": "bwhitehorse",
                                "hours_after_parent": 4,
                                "body": (
                                    "Love the scrap box. Simple, and it removes the "
                                    "guesswork. Thanks, everyone. I'll post the final "
                                    "process here once our safety committee signs off."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "title": "Engineering design in K-2 without a dedicated room",
                "author": "lhusain",
                "facilitated": False,
                "pinned": False,
                "locked": False,
                "days_after_opening": 10,
                "body": (
                    "Following on from the kick-off thread, I'd love to hear from K-2 "
                    "folks in particular. Our Tinker Carts work, but our youngest students "
                    "spend much of the time just learning how to use tape and scissors. "
                    "Is that okay? Is that _the point_ at that age? Or should we be "
                    "pushing toward the full design cycle earlier?"
                ),
                "replies": [
                    {
                        "author": "ckim",
                        "hours_after_parent": 6,
                        "body": (
                            "I'm 5th grade now, but I taught 1st grade for four years, "
                            "and honestly I think learning tape *is* the point. Knowing "
                            "what materials can do is the first step in designing "
                            "anything. We ran material exploration weeks before any "
                            "challenge, and the challenges went much better afterward."
                        ),
                        "replies": [
                            {
                                "author": "lhusain",
                                "hours_after_parent": 4,
                                "body": "That's reassuring. I've been feeling a little guilty about the tape weeks.",
                                "replies": [],
                            },
                        ],
                    },
                    {
                        "author": "pchandrasekar",
                        "hours_after_parent": 20,
                        "body": (
                            "Our preservice teachers spend a semester in K-2 classrooms, "
                            "and what we see again and again is that young children "
                            "iterate naturally: they build it, it falls down, they fix it. "
                            "What they don't do on their own is **say why** they changed "
                            "something. So the adult's job isn't to teach a formal cycle; "
                            "it's to ask \"What did you change, and why?\" a hundred times "
                            "a day."
                        ),
                        "replies": [
                            {
                                "author": "tnakamura",
                                "hours_after_parent": 8,
                                "body": (
                                    "\"What did you change, and why?\" might be the most "
                                    "useful question of the whole month."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
        ],
        "panel_questions": [
            {
                "question": (
                    "How do you grade an engineering design project without just grading "
                    "how good the final product is?"
                ),
                "asked_by": "Beth Heidemann, high school chemistry teacher",
                "source": "webinar_qa",
                "published_as": "q1",
            },
            {
                "question": (
                    "Our makerspace has become the place where the same fifteen kids go at "
                    "lunch. How do we get it into regular classes so every student gets "
                    "time there?"
                ),
                "asked_by": "Omar Siddiqui, middle school librarian",
                "source": "webinar_chat",
                "published_as": "q2",
            },
            {
                "question": (
                    "What is the smallest budget you'd need to start a shared makerspace "
                    "cart for an elementary school?"
                ),
                "asked_by": "Daniela Ruiz, 2nd grade teacher",
                "source": "webinar_chat",
                "published_as": None,
            },
            {
                "question": (
                    "Are there good ways to involve families in engineering design projects "
                    "without it turning into the parents doing the building?"
                ),
                "asked_by": "Kwame Asante, elementary school principal",
                "source": "email",
                "published_as": None,
            },
        ],
    },
    # ------------------------------------------------------------------
    # Current theme
    # ------------------------------------------------------------------
    {
        "slug": "finding-time-to-collaborate",
        "title": "Finding time to collaborate",
        "opens_days_ago": 10,
        "open_for_days": 28,
        "summary": (
            "Every school says it values collaboration, and almost every teacher says "
            "there's no time for it. This month we look at where collaboration time "
            "really comes from: common planning time in the master schedule, release "
            "time and substitutes, late-start days, and stipends for work outside the "
            "contract day. We'll also ask what makes that time worth protecting, from "
            "PLC protocols to lesson study and instructional rounds."
        ),
        "blog_post": (
            "Ask a room of STEM teacher leaders what gets in the way of their best work "
            "and one answer comes up before all the others: **time**. Not time to teach, "
            "but time to think together. Time to look at student work with the teacher "
            "next door, to plan a lab as a team, to watch each other teach.\n\n"
            "The frustrating part is that most schools do have *some* collaboration "
            "time on paper. It's just that:\n\n"
            "- common planning time gets swallowed by announcements and logistics,\n"
            "- PLC meetings turn into data-entry sessions,\n"
            "- release days disappear whenever the substitute pool runs dry, and\n"
            "- the master schedule is built first, and collaboration is squeezed into "
            "whatever gaps are left.\n\n"
            "This month's panel comes at the problem from several angles. We'll hear "
            "from an assistant principal who builds the master schedule for nearly "
            "2,000 students, an elementary principal who restructured specials to free "
            "up a weekly 90-minute team block, a researcher who studies lesson study in "
            "US schools, and a math teacher and union building representative who helped "
            "write release time into his district's contract.\n\n"
            "> If you want to know what a school values, don't read its mission "
            "statement. Read its master schedule.\n\n"
            "One of our panelists said that while we were preparing, and we expect "
            "you'll have plenty to say about it. Start with the [six scheduling models]"
            "(https://resources.example.org/collaboration/master-schedule-models) in the "
            "resources, then tell us in the kick-off thread where your collaboration time "
            "actually comes from.\n\n"
            "— Rosa and Tom"
        ),
        "panel": {
            "title": "Protecting time to collaborate: schedules, PLCs and what gets cut",
            "hours_after_opening": 47,
            "recording_url": None,
            "panelists": [
                {
                    "name": "Teresa Wojcik",
                    "bio": (
                        "Assistant principal at a 1,900-student high school in Michigan, "
                        "where she has built the master schedule for eight years."
                    ),
                },
                {
                    "name": "Andre Lafleur",
                    "bio": (
                        "Elementary principal in Maine whose school reorganized its "
                        "specials rotation to give every grade-level team a weekly "
                        "90-minute collaboration block."
                    ),
                },
                {
                    "name": "Dr. Keiko Hoshino",
                    "bio": (
                        "Researcher who studies how lesson study has been adapted in US "
                        "elementary and middle schools."
                    ),
                },
                {
                    "name": "Jamal Whitaker",
                    "bio": (
                        "High school math teacher and union building representative who "
                        "helped negotiate release-time language in his district's "
                        "teacher contract."
                    ),
                },
            ],
        },
        "resources": [
            {
                "title": "Building collaboration into the master schedule: six models",
                "url": "https://resources.example.org/collaboration/master-schedule-models",
                "kind": "report",
                "note": "Compares rotating specials, late start, block and shared-period models, each with a sample schedule.",
            },
            {
                "title": "Protocols for PLC meetings that actually use the time",
                "url": "https://resources.example.org/collaboration/plc-protocols",
                "kind": "tool",
                "note": "Short, timed protocols for looking at student work, tuning a lesson and reviewing assessment results.",
            },
            {
                "title": "Lesson study, step by step",
                "url": "https://journal.example.edu/articles/lesson-study-step-by-step",
                "kind": "article",
                "note": "A clear walkthrough of one lesson study cycle, from choosing a research theme to the post-lesson debrief.",
            },
            {
                "title": "Instructional rounds in a rural district",
                "url": "https://videos.example.org/stories/instructional-rounds-rural",
                "kind": "video",
                "note": "How a five-school district runs rounds around a shared problem of practice without pulling too many teachers at once.",
            },
            {
                "title": "Time Well Spent: Making Collaboration Work in Schools",
                "url": "https://books.example.org/time-well-spent",
                "kind": "book",
                "note": "Practical chapters on scheduling, facilitation and keeping collaboration time from being quietly repurposed.",
            },
        ],
        "threads": [
            {
                "title": "Kick-off: Where does your collaboration time actually come from?",
                "author": "rdelgado",
                "facilitated": True,
                "pinned": True,
                "locked": False,
                "days_after_opening": 0.3,
                "body": (
                    "Welcome to our theme on finding time to collaborate. Let's start with "
                    "an honest inventory. In a typical week:\n\n"
                    "1. How many minutes do you spend collaborating with colleagues on "
                    "teaching and learning (not logistics)?\n"
                    "2. Where does that time come from: the master schedule, before or "
                    "after school, release time, your lunch?\n"
                    "3. Is anyone paid for collaboration outside the contract day?\n\n"
                    "We'll post questions from the panel webinar into this thread after "
                    "the session, so keep an eye out."
                ),
                "replies": [
                    {
                        "author": "eadeyemi",
                        "hours_after_parent": 3,
                        "body": (
                            "An honest inventory from a secondary science department in "
                            "Ontario: about 40 minutes a week of real collaboration, and it "
                            "comes almost entirely from a lunch period that three of us "
                            "happen to share. Our department meeting is monthly and mostly "
                            "logistics: lab supply orders, exam schedules, safety "
                            "reminders. Nobody is paid for time outside the day. The "
                            "collaboration that matters happens by accident."
                        ),
                        "replies": [
                            {
                                "author": "tnakamura",
                                "hours_after_parent": 5,
                                "body": (
                                    "\"The collaboration that matters happens by accident\" "
                                    "is going to stay with me. Emmanuel, if you could "
                                    "protect one thing in the schedule, what would it be?"
                                ),
                                "replies": [
                                    {
                                        "author": "eadeyemi",
                                        "hours_after_parent": 14,
                                        "body": (
                                            "A common prep period for the Grade 9 science "
                                            "teachers. Grade 9 is where we lose students, "
                                            "and the four of us who teach it never have a "
                                            "free period at the same time. Even one shared "
                                            "period per cycle would change things."
                                        ),
                                        "replies": [
                                            {
                                                "author": "gpetrov",
                                                "hours_after_parent": 6,
                                                "body": (
                                                    "That's exactly the kind of request to "
                                                    "take to whoever builds your schedule: "
                                                    "narrow, concrete and tied to a specific "
                                                    "group of students. In my experience "
                                                    "schedulers can usually do one targeted "
                                                    "thing like that. What they can't do is "
                                                    "\"more collaboration time for everyone.\""
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                    {
                        "author": "lhusain",
                        "hours_after_parent": 6,
                        "body": (
                            "Elementary: we have 45 minutes of common planning time per "
                            "grade level twice a week, because specials are scheduled by "
                            "grade. On paper it's great. In reality one of the two "
                            "sessions is usually taken up by an intervention meeting or a "
                            "data meeting run by the assistant principal. I'd estimate "
                            "30 to 45 minutes a week of genuine collaboration on teaching."
                        ),
                        "replies": [
                            {
                                "author": "ckim",
                                "hours_after_parent": 4,
                                "body": (
                                    "Same structure here, same problem. Our principal "
                                    "finally agreed that the Thursday block is "
                                    "**teacher-led, with no admin agenda**, and it has "
                                    "made a huge difference. The Tuesday block is still hers."
                                ),
                                "replies": [
                                    {
                                        "author": "lhusain",
                                        "hours_after_parent": 9,
                                        "body": (
                                            "How did you make the case? I think our AP "
                                            "would agree if someone framed it the right way."
                                        ),
                                        "replies": [
                                            {
                                                "author": "ckim",
                                                "hours_after_parent": 10,
                                                "body": (
                                                    "We asked for a six-week trial and "
                                                    "promised to bring her one artifact from "
                                                    "every Thursday: a revised task, a common "
                                                    "exit ticket, or student work we'd scored "
                                                    "together. After six weeks she could see "
                                                    "what we were doing with the time. "
                                                    "Giving her something concrete was the key."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                        ],
                    },
                    {
                        "key": "q1",
                        "author": "rdelgado",
                        "hours_after_parent": 46,
                        "body": (
                            "From the panel Q&A:\n\n"
                            "> Our district gave us common planning time, but the meetings "
                            "are mostly announcements and data entry. How do you take the "
                            "time back without looking like you're refusing to do what the "
                            "district asked?\n"
                            ">\n"
                            "> — posed by Jackie Wheeler, middle school science coach\n\n"
                            "Teresa's answer was to move the information part into a "
                            "written weekly update so the meeting itself can start with "
                            "student work. Jamal talked about agreeing on norms as a team "
                            "and sharing them with the principal. What has worked for you?"
                        ),
                        "replies": [
                            {
                                "author": "jwheeler",
                                "hours_after_parent": 3,
                                "body": (
                                    "Thanks for posting this, Rosa. For context: our "
                                    "science PLC meets for 50 minutes a week, and last "
                                    "week 35 of those minutes went to a presentation on "
                                    "the new attendance software. I don't blame anyone; "
                                    "the software is real and people need to learn it. "
                                    "But it has been like this for months."
                                ),
                                "replies": [
                                    {
                                        "author": "amartinez",
                                        "hours_after_parent": 5,
                                        "body": (
                                            "Jackie, speaking for my side of the "
                                            "profession, I'll own this one: we use PLC "
                                            "time for announcements because it's the only "
                                            "time we have everyone in one room. Teresa's "
                                            "suggestion is the right one. If you can offer "
                                            "your principal another way to get that "
                                            "information out, like a two-minute video or "
                                            "a weekly email, you're solving her problem and "
                                            "not just protecting yours."
                                        ),
                                        "replies": [
                                            {
                                                "author": "jwheeler",
                                                "hours_after_parent": 8,
                                                "body": (
                                                    "That's a helpful way to look at it. "
                                                    "I'm going to offer to write the weekly "
                                                    "update myself for a month. If it buys "
                                                    "us 50 minutes of real PLC time, it's "
                                                    "worth 20 minutes of my Friday afternoon."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                            {
                                "author": "dabernathy",
                                "hours_after_parent": 10,
                                "body": (
                                    "Our team uses a simple agenda, and the time limits "
                                    "are non-negotiable:\n\n"
                                    "1. **5 min**: one logistics item, maximum\n"
                                    "2. **25 min**: student work from a common task\n"
                                    "3. **15 min**: decide what we'll do differently next week\n"
                                    "4. **5 min**: who is bringing what next time\n\n"
                                    "Whoever brings the student work facilitates. Anything "
                                    "that doesn't fit goes into a shared doc. It took "
                                    "about a month for people to trust that the logistics "
                                    "would still get handled."
                                ),
                                "replies": [
                                    {
                                        "author": "mjohansson",
                                        "hours_after_parent": 6,
                                        "body": "Stealing this for our staff meeting on Monday. Thanks, Darnell.",
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                    {
                        "key": "q2",
                        "author": "tnakamura",
                        "hours_after_parent": 49,
                        "body": (
                            "From the panel Q&A:\n\n"
                            "> How do you find substitutes for release days when the sub "
                            "pool is so thin that classes are already being covered by "
                            "other teachers?\n"
                            ">\n"
                            "> — posed by Marisol Vega, elementary instructional coach\n\n"
                            "The panel agreed this is the hardest version of the problem. "
                            "Andre said his school has stopped relying on release days "
                            "altogether. Has anyone found a workaround?"
                        ),
                        "replies": [
                            {
                                "author": "nbaptiste",
                                "hours_after_parent": 8,
                                "body": (
                                    "We've moved almost all of our release time to the two "
                                    "days before school starts plus three early-release "
                                    "afternoons during the year, with stipends for teachers "
                                    "who come in over the summer. It's not as good as "
                                    "job-embedded time, but it's reliable, which release "
                                    "days during the year simply aren't anymore. Last year "
                                    "40% of our scheduled release days were canceled for "
                                    "lack of subs."
                                ),
                                "replies": [
                                    {
                                        "author": "pchandrasekar",
                                        "hours_after_parent": 12,
                                        "body": (
                                            "Nadia, one option we've used with partner "
                                            "districts: student teachers in their final "
                                            "semester cover classes for a half day so their "
                                            "mentor teachers can do lesson study together. "
                                            "The student teachers get real experience and "
                                            "the mentors get time. It takes careful "
                                            "planning with HR and the university, but it's "
                                            "now working in three districts."
                                        ),
                                        "replies": [
                                            {
                                                "author": "nbaptiste",
                                                "hours_after_parent": 5,
                                                "body": (
                                                    "Priya, I'd love to hear how you set "
                                                    "that up with HR. Our university partner "
                                                    "is ten minutes down the road and we've "
                                                    "never even asked."
                                                ),
                                                "replies": [],
                                            },
                                        ],
                                    },
                                ],
                            },
                            {
                                "author": "amartinez",
                                "hours_after_parent": 16,
                                "body": (
                                    "We tried internal coverage, with administrators "
                                    "covering classes, and it works for small things like "
                                    "instructional rounds with three or four teachers. It "
                                    "doesn't scale to a whole grade level. I cover a 3rd "
                                    "grade class myself once a month, and honestly it's "
                                    "one of the best hours of my week."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
            {
                "title": "Our common planning time survived the schedule change. Now what?",
                "author": "gpetrov",
                "facilitated": False,
                "pinned": False,
                "locked": False,
                "days_after_opening": 2.5,
                "body": (
                    "After two years of advocacy, our middle schools moved to a schedule "
                    "in which every grade-level science team shares a planning period. "
                    "Big win. Except the first month has been... underwhelming. Teams are "
                    "using the time, but mostly to plan the next few days of lessons "
                    "together. That's fine, but it isn't what we hoped for. We hoped for "
                    "looking at student work, calibrating our scoring, and revising units "
                    "based on what kids actually understood.\n\n"
                    "For those who've been through this: what helped your teams move from "
                    "_coordinating_ to actually _collaborating_?"
                ),
                "replies": [
                    {
                        "author": "tnakamura",
                        "hours_after_parent": 5,
                        "body": (
                            "In my coaching days the shift almost always came from a common "
                            "task. If every teacher gives the same formative assessment, "
                            "even a three-question exit ticket, there's something to look "
                            "at together that isn't \"what are we doing tomorrow?\" Without "
                            "shared student work, planning is the path of least resistance."
                        ),
                        "replies": [
                            {
                                "author": "gpetrov",
                                "hours_after_parent": 3,
                                "body": (
                                    "That makes sense. Most of our teams use the same "
                                    "curriculum but not the same assessments."
                                ),
                                "replies": [
                                    {
                                        "author": "jwheeler",
                                        "hours_after_parent": 7,
                                        "body": (
                                            "Greg, I'd start with one common task per "
                                            "unit, not per week. When our teams tried "
                                            "weekly, it felt like another requirement. "
                                            "Per unit was manageable, and the conversations "
                                            "were richer because there was more to look at."
                                        ),
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                    {
                        "author": "eadeyemi",
                        "hours_after_parent": 10,
                        "body": (
                            "Don't underestimate the coordinating phase. It may be the "
                            "trust-building stage. Our department spent a whole term "
                            "\"just\" planning labs together before anyone was willing to "
                            "bring student work that didn't look good. Teachers need to "
                            "know the group is safe before they show evidence of a lesson "
                            "that flopped."
                        ),
                        "replies": [
                            {
                                "author": "gpetrov",
                                "hours_after_parent": 8,
                                "body": "Fair point. Maybe I'm impatient. It has been four weeks.",
                                "replies": [
                                    {
                                        "author": "dabernathy",
                                        "hours_after_parent": 4,
                                        "body": (
                                            "Four weeks is nothing! Our team took most of a "
                                            "semester. Celebrate the fact that they're "
                                            "meeting at all."
                                        ),
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                    {
                        "author": "pchandrasekar",
                        "hours_after_parent": 20,
                        "body": (
                            "If any of your teams want a structured way to go deeper, "
                            "lesson study fits science teams with shared planning time "
                            "very well. The [step-by-step article]"
                            "(https://journal.example.edu/articles/lesson-study-step-by-step) "
                            "in this month's resources is a good place to start. The key "
                            "feature is that the team plans one lesson in great detail, one "
                            "person teaches it while the others watch *students*, not the "
                            "teacher, and then they revise it together. It moves the focus "
                            "to student thinking without anyone having to force it."
                        ),
                        "replies": [],
                    },
                ],
            },
            {
                "title": "Lesson study with three colleagues: notes from our first cycle",
                "author": "eadeyemi",
                "facilitated": False,
                "pinned": False,
                "locked": False,
                "days_after_opening": 4.2,
                "body": (
                    "Partly inspired by Dr. Hoshino's comments on the panel, here's how our "
                    "first lesson study cycle went, warts and all.\n\n"
                    "- **Who:** three Grade 9 science teachers and me\n"
                    "- **When:** four 45-minute lunch meetings to plan, one period to "
                    "teach and observe (our principal covered a class), and one "
                    "after-school debrief\n"
                    "- **The lesson:** introducing density through a sink-or-float "
                    "investigation\n\n"
                    "What surprised us: watching students instead of the teacher, we "
                    "noticed that about a third of them were sure heavier objects always "
                    "sink, and nothing in our lesson challenged that directly. We would "
                    "never have seen it from the front of the room.\n\n"
                    "What I'd change: we spent too long polishing the lesson plan and not "
                    "enough time predicting what students would say. The research "
                    "suggests that anticipation step is where much of the teacher "
                    "learning happens.[^1]\n\n"
                    "[^1]: K. Hoshino, _Lesson Study Outside Japan: What Teachers Learn "
                    "and When_, 2021."
                ),
                "replies": [
                    {
                        "author": "lhusain",
                        "hours_after_parent": 4,
                        "body": (
                            "This is so helpful. \"Heavier things always sink\" shows up "
                            "in our 2nd graders too. It's fascinating, and a little "
                            "alarming, that it's still there in 9th grade."
                        ),
                        "replies": [
                            {
                                "author": "eadeyemi",
                                "hours_after_parent": 6,
                                "body": (
                                    "Alarming is the word! Now we're wondering what we "
                                    "could learn from the elementary schools that feed "
                                    "into ours."
                                ),
                                "replies": [
                                    {
                                        "author": "lhusain",
                                        "hours_after_parent": 5,
                                        "body": (
                                            "Vertical lesson study with a feeder school? "
                                            "That would be amazing. I'm bringing it to our "
                                            "district science network next week."
                                        ),
                                        "replies": [],
                                    },
                                ],
                            },
                        ],
                    },
                    {
                        "author": "rdelgado",
                        "hours_after_parent": 9,
                        "body": (
                            "Emmanuel, thank you for being so concrete about the time. "
                            "Four lunches, one covered period and one after-school "
                            "meeting is a realistic budget other teams could plan around. "
                            "Was anyone paid for the after-school debrief?"
                        ),
                        "replies": [
                            {
                                "author": "eadeyemi",
                                "hours_after_parent": 5,
                                "body": (
                                    "No, and it's a fair question to raise. It was "
                                    "voluntary and we enjoyed it, but I wouldn't ask "
                                    "colleagues to do it every term unpaid. Next time I'll "
                                    "ask our principal whether professional development "
                                    "funds can cover a small stipend."
                                ),
                                "replies": [],
                            },
                        ],
                    },
                ],
            },
        ],
        "panel_questions": [
            {
                "question": (
                    "Our district gave us common planning time, but the meetings are mostly "
                    "announcements and data entry. How do you take the time back without "
                    "looking like you're refusing to do what the district asked?"
                ),
                "asked_by": "Jackie Wheeler, middle school science coach",
                "source": "webinar_qa",
                "published_as": "q1",
            },
            {
                "question": (
                    "How do you find substitutes for release days when the sub pool is so "
                    "thin that classes are already being covered by other teachers?"
                ),
                "asked_by": "Marisol Vega, elementary instructional coach",
                "source": "webinar_chat",
                "published_as": "q2",
            },
            {
                "question": (
                    "Is it worth trading a few minutes of instructional time each day for a "
                    "weekly late-start collaboration morning? How did families react?"
                ),
                "asked_by": "Trevor Halvorsen, high school principal",
                "source": "webinar_qa",
                "published_as": None,
            },
            {
                "question": (
                    "How are instructional rounds different from learning walks, and which "
                    "works better in a small rural district?"
                ),
                "asked_by": "Amira Haddad, district curriculum director",
                "source": "webinar_chat",
                "published_as": None,
            },
            {
                "question": (
                    "What should a PLC do when one member consistently doesn't bring the "
                    "student work everyone agreed to bring?"
                ),
                "asked_by": "Colleen Murphy, 7th grade math teacher",
                "source": "email",
                "published_as": None,
            },
        ],
    },
    # ------------------------------------------------------------------
    # Upcoming theme
    # ------------------------------------------------------------------
    {
        "slug": "assessment-that-helps-students-think-like-scientists",
        "title": "Assessment that helps students think like scientists",
        "opens_days_ago": -22,
        "open_for_days": 28,
        "summary": (
            "Many science assessments still reward recall, even in classrooms built "
            "around investigation and argument. This month we'll explore assessment that "
            "asks students to do what scientists do: explain phenomena, argue from "
            "evidence and revise their thinking. We'll look at NGSS-aligned performance "
            "tasks, claim-evidence-reasoning writing, and feedback that moves thinking "
            "forward rather than just assigning a score."
        ),
        "blog_post": (
            "Here's an exercise we like to run with teams in our workshops. Pull one "
            "unit test from your shared drive and sort its questions into two piles: "
            "questions a student could answer by _remembering_, and questions a student "
            "could only answer by _reasoning_ with what they know. For most of us, the "
            "first pile is much taller.\n\n"
            "That isn't a moral failing. Recall questions are quick to write, quick to "
            "score and easy to explain to families. But if we spend every day asking "
            "students to explain phenomena and argue from evidence, and then test them "
            "on vocabulary, students learn exactly what we really value.\n\n"
            "This month we'll look at alternatives that are realistic for busy teachers:\n\n"
            "- **Performance tasks** built around an unfamiliar phenomenon\n"
            "- **Claim, evidence, reasoning** (CER) writing, and how to score it without "
            "drowning\n"
            "- **Feedback** that asks students to revise their models, not just check "
            "their answers\n"
            "- How teacher leaders can help a whole department make the shift together\n\n"
            "> A good assessment task is one a student could actually be curious about.\n\n"
            "Details of the panel webinar are below. In the meantime, try the two-pile "
            "sort with your team, and bring what you find to the discussion when it "
            "opens. The [CER scoring guide]"
            "(https://resources.example.org/assessment/cer-scoring-guide) is a good "
            "companion for that conversation.\n\n"
            "— Rosa and Tom"
        ),
        "panel": {
            "title": "Assessing sensemaking: performance tasks, CER and feedback that works",
            "hours_after_opening": 71,
            "recording_url": None,
            "panelists": [
                {
                    "name": "Dr. Lucía Serrano",
                    "bio": (
                        "Assessment specialist who designs phenomenon-based performance "
                        "tasks with state and district science teams."
                    ),
                },
                {
                    "name": "Owen Pritchard",
                    "bio": (
                        "High school biology teacher who uses claim-evidence-reasoning "
                        "writing in every unit and has trained his department to score "
                        "it together."
                    ),
                },
                {
                    "name": "Natasha Greene",
                    "bio": (
                        "Elementary science coach who built a bank of short "
                        "phenomenon-based assessment tasks for grades 3 to 5."
                    ),
                },
            ],
        },
        "resources": [
            {
                "title": "Writing assessment tasks around phenomena",
                "url": "https://ngss-guide.example.org/assessment/phenomenon-based-tasks",
                "kind": "article",
                "note": "A practical guide to choosing a phenomenon and writing prompts that require students to use, not recite, what they know.",
            },
            {
                "title": "CER scoring guide with annotated student work",
                "url": "https://resources.example.org/assessment/cer-scoring-guide",
                "kind": "tool",
                "note": "A four-level scoring guide with real student responses at each level, useful for calibrating as a team.",
            },
            {
                "title": "What science tests ask: an analysis of 500 classroom assessments",
                "url": "https://research.example.edu/reports/what-science-tests-ask",
                "kind": "report",
                "note": "Finds that most classroom test items require recall only, and shows what the exceptions have in common.",
            },
            {
                "title": "Feedback That Moves Thinking Forward",
                "url": "https://books.example.org/feedback-moves-thinking",
                "kind": "book",
                "note": "Short chapters on written and spoken feedback in science, with examples from elementary through high school.",
            },
        ],
        "threads": [],
        "panel_questions": [
            {
                "question": (
                    "How do you make performance tasks accessible to multilingual learners "
                    "without lowering the cognitive demand?"
                ),
                "asked_by": "Grace Liang, high school ESL and science co-teacher",
                "source": "email",
                "published_as": None,
            },
            {
                "question": (
                    "Can claim-evidence-reasoning work in kindergarten and 1st grade, "
                    "before students are writing fluently?"
                ),
                "asked_by": "Robert Kowalski, 1st grade teacher",
                "source": "email",
                "published_as": None,
            },
        ],
    },
]
