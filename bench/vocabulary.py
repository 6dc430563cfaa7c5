"""Words for generated posts: the community's own subjects, and the glue of sentences."""

SUBJECTS = """
makerspace makerspaces engineering design cycle prototype laser cutter robotics circuits
coding computational thinking data science statistics graphing calculus algebra geometry
fractions proportional reasoning number sense modeling phenomena investigation inquiry
lab safety chemistry physics biology ecology genetics astronomy earth science climate
watershed field trip greenhouse garden NGSS crosscutting concepts practices standards
assessment rubric performance task formative feedback portfolio exit ticket claim evidence
reasoning argumentation discourse talk moves notebooks vocabulary literacy multilingual
learners equity access tracking detracking acceleration intervention tutoring attendance
coaching coach mentor mentoring novice induction residency certification licensure
leadership leader principal superintendent district board budget grant stipend release
substitutes schedule master block period planning collaboration PLC protocol norms agenda
lesson study instructional rounds observation walkthrough feedback cycle video reflection
curriculum adoption materials pacing unit storyline kits inventory equipment maintenance
parents families community partners industry university internship apprenticeship career
pathways CTE dual enrollment scholarship alumni rural urban suburban alternative charter
magnet elementary middle high school kindergarten primary secondary cohort retention burnout
workload wellbeing recognition compensation union contract evaluation credibility trust
Opportunity Culture hybrid role multi classroom teacher leader facilitator network webinar
K-2 K-5 6-8 9-12 K-12 HS-LS1-1 MS-PS3-4 MS-ESS2-2 HS-PS2-1 CER IEP ELL AP co-teaching
""".split()

GLUE = """
the a an our my their this that these those we I they you it is was are were be been
have has had do did will would could should might can need want try tried found learned
noticed started stopped kept changed built moved asked shared wrote read planned taught
with without for from about into over under after before during while because although
when where which who what how why so but and or not only also still even just really
every each most many some few more less first last next new old small big long short
week month year day morning afternoon semester term spring fall summer winter time
students teachers colleagues team department grade class classroom room school building
""".split()
