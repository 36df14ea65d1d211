"""Built-in clinical content for Rehabit: exercises, program templates and explanations.

Pure data, loaded by the ``seed_library`` management command, which matches every record by
its slug. Slugs are permanent: wording and dosages may be edited, but a slug must never be
renamed or reused. Each exercise sets exactly one of ``default_reps`` and
``default_hold_seconds``; a timed hold (stretches, balance) uses the hold, everything else
counts reps. For walking drills, one rep is one length of a hallway or room, and for stair
practice one rep is one short run of steps.
"""

from typing import Final, NotRequired, TypedDict


class ExerciseSeed(TypedDict):
    slug: str  # kebab-case, stable forever
    name: str
    category: str  # "neural_glide", "mobility", "strength", "motor_control" or "gait"
    body_region: str  # "knee", "hip", "ankle_foot", "lower_back", "thigh" or "whole_body"
    summary: str  # one plain sentence: what it is for
    steps: list[str]  # 3-7 steps, imperative, plain words
    cues: list[str]  # 1-4 short form cues
    cautions: list[str]  # 1-3 kind, non-alarming cautions
    default_sets: int  # >= 1
    default_reps: int | None  # exactly one of default_reps / default_hold_seconds is set
    default_hold_seconds: int | None
    default_times_per_day: int  # 1..4
    default_days_per_week: int  # 1..7
    default_side: str  # "both", "left" or "right" ("both" means each side)
    dosage_note: str  # the usual range, in words


class TemplateItem(TypedDict):
    exercise: str  # an exercise slug from EXERCISES
    sets: NotRequired[int]  # optional overrides of the exercise defaults
    reps: NotRequired[int]
    hold_seconds: NotRequired[int]
    times_per_day: NotRequired[int]
    days_per_week: NotRequired[int]
    notes: NotRequired[str]


class ProgramTemplateSeed(TypedDict):
    slug: str
    name: str
    goal: str  # one sentence a therapist would write as the program goal
    description: str  # 2-3 sentences: the idea behind the template
    items: list[TemplateItem]  # in order, 4-8 items


class ExplanationSeed(TypedDict):
    slug: str
    title: str
    body: list[str]  # 2-5 short, plain, patient-facing paragraphs


EXERCISES: Final[list[ExerciseSeed]] = [
    # Neural glides
    {
        "slug": "sciatic-nerve-glide",
        "name": "Sciatic nerve glide (seated)",
        "category": "neural_glide",
        "body_region": "thigh",
        "summary": (
            "Helps the large nerve at the back of your leg slide smoothly, which can ease "
            "nerve-type pain behind the thigh and knee."
        ),
        "steps": [
            "Sit up tall near the front edge of a firm chair and hold the seat behind you.",
            "Straighten one knee so the leg reaches forward, only as far as feels easy.",
            "Look up slightly while you pull your toes up toward your shin.",
            "Then bring your chin toward your chest while you point your toes away.",
            "Keep swapping between these two positions in a slow, even rhythm.",
            "Rest the leg down when the set is done, then do the other side.",
        ],
        "cues": [
            "Smooth and rhythmic, like a slow pendulum.",
            "A faint pull behind the knee or thigh is plenty.",
            "Keep breathing easily throughout.",
        ],
        "cautions": [
            (
                "This should only ever feel like a light pull. If you notice sharp, burning or "
                "shooting pain, make the movement smaller or stop for today."
            ),
            (
                "If tingling or numbness is still there a few minutes after you finish, leave this "
                "one out and mention it to your therapist at your next visit."
            ),
        ],
        "default_sets": 1,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 2,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "10–15 slow reps, 1–2 sets, once or twice a day",
    },
    {
        "slug": "femoral-nerve-glide",
        "name": "Femoral nerve glide (lying face down)",
        "category": "neural_glide",
        "body_region": "thigh",
        "summary": (
            "Helps the nerve at the front of your hip and thigh move freely, which can settle "
            "nerve-type pain at the front of the leg and inner knee."
        ),
        "steps": [
            "Lie on your front on a bed or mat; a pillow under your stomach can make this easier.",
            "Slowly bend one knee so your heel travels toward your buttock.",
            "Stop as soon as you feel a light pull across the front of the thigh or hip.",
            "Lower the foot back down slowly and let the leg rest for a moment.",
            "Once this feels easy, you may gently tuck your tailbone under as the knee bends.",
            "Finish the set, then repeat with the other leg.",
        ],
        "cues": [
            "Keep both hips resting on the surface.",
            "Only the leg moves; let your back and shoulders stay soft.",
            "Small and smooth is better than big and forced.",
        ],
        "cautions": [
            (
                "This should only ever feel like a light pull. If you notice sharp, burning or "
                "shooting pain, make the movement smaller or stop for today."
            ),
            (
                "Lying on your front does not suit everyone. If it bothers your back, ask your "
                "therapist for another starting position."
            ),
        ],
        "default_sets": 1,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 2,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "10–15 slow reps, 1–2 sets, once or twice a day",
    },
    {
        "slug": "peroneal-nerve-glide",
        "name": "Peroneal nerve glide (seated)",
        "category": "neural_glide",
        "body_region": "knee",
        "summary": (
            "Gently moves the nerve that wraps around the outside of the knee and runs down to the "
            "top of the foot."
        ),
        "steps": [
            "Sit tall and stretch one leg out in front, resting the heel on the floor.",
            (
                "Point the foot down and curl it slightly inward, as if showing the sole to the "
                "other foot."
            ),
            "At the same time, tip your head so the ear moves toward the opposite shoulder.",
            "Bring your head back to the middle and let the foot relax to its usual position.",
            "Repeat slowly, keeping the whole movement small.",
            "Change legs when the set is done.",
        ],
        "cues": [
            "This one is meant to be subtle, so do not hunt for a big stretch.",
            "Notice a faint pull along the outer shin or the top of the foot.",
        ],
        "cautions": [
            (
                "This should only ever feel like a light pull. If you notice sharp, burning or "
                "shooting pain, make the movement smaller or stop for today."
            ),
            (
                "Tilt your head only a little. If your neck feels uncomfortable, keep it still and "
                "move just the foot."
            ),
        ],
        "default_sets": 1,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 2,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "10–15 slow reps, 1–2 sets, once or twice a day",
    },
    {
        "slug": "saphenous-nerve-glide",
        "name": "Saphenous nerve glide",
        "category": "neural_glide",
        "body_region": "knee",
        "summary": (
            "Gently moves the nerve that runs along the inside of the knee and down the inner "
            "lower leg."
        ),
        "steps": [
            "Stand tall holding a counter, or sit toward the front of a chair.",
            "Turn the working knee slightly outward and pull your toes up toward your shin.",
            (
                "Lean your upper body a little toward the opposite side until the inner thigh or "
                "inner knee feels a soft pull."
            ),
            "Come back to upright and let the foot relax.",
            "Repeat slowly within a small, comfortable range, then change sides.",
        ],
        "cues": [
            "A gentle lean is enough; the movement is quiet and small.",
            "Keep your weight steady and your breathing relaxed.",
        ],
        "cautions": [
            (
                "This should only ever feel like a light pull. If you notice sharp, burning or "
                "shooting pain, make the movement smaller or stop for today."
            ),
            (
                "If tingling or numbness is still there a few minutes after you finish, leave this "
                "one out and mention it to your therapist at your next visit."
            ),
        ],
        "default_sets": 1,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 2,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "10–15 slow reps, 1–2 sets, once or twice a day",
    },
    # Mobility
    {
        "slug": "hamstring-stretch",
        "name": "Hamstring stretch with a towel",
        "category": "mobility",
        "body_region": "thigh",
        "summary": "Eases tightness along the back of the thigh.",
        "steps": [
            "Lie face up with both knees bent.",
            "Hook a towel or strap under the front of one foot and hold both ends.",
            (
                "Straighten that leg upward, guiding it with the towel; a little bend at the knee "
                "is fine."
            ),
            "Stop where you notice a mild stretch behind the thigh.",
            "Hold still and breathe, then lower the leg slowly and change sides.",
        ],
        "cues": [
            "The other leg and your shoulders stay relaxed.",
            "Aim for a mild stretch, not a strain.",
        ],
        "cautions": [
            "If you feel tingling rather than a stretch, lower the leg a little until it settles.",
        ],
        "default_sets": 3,
        "default_reps": None,
        "default_hold_seconds": 30,
        "default_times_per_day": 1,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "Hold 20–30 seconds, 2–3 times on each side, once a day",
    },
    {
        "slug": "quadriceps-stretch",
        "name": "Standing quadriceps stretch",
        "category": "mobility",
        "body_region": "thigh",
        "summary": "Eases tightness along the front of the thigh.",
        "steps": [
            "Stand tall and rest one hand on a wall or the back of a sturdy chair.",
            "Bend one knee behind you and catch that foot or ankle with your other hand.",
            (
                "Ease the heel in toward your buttock until you notice a mild stretch down the "
                "front of your thigh."
            ),
            (
                "Keep the bent knee pointing at the floor beside the standing knee, and keep your "
                "lower back neutral rather than hollowed."
            ),
            "Hold, then let the foot down slowly and change sides.",
        ],
        "cues": [
            "Stand tall, as if someone is lifting you from the top of your head.",
            "Knees stay close together.",
        ],
        "cautions": [
            (
                "If bending the knee this far is uncomfortable or you cannot reach your foot, wrap "
                "a towel around the ankle and hold the towel instead."
            ),
            "Keep a steady hold on your support the whole time.",
        ],
        "default_sets": 3,
        "default_reps": None,
        "default_hold_seconds": 30,
        "default_times_per_day": 1,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "Hold 20–30 seconds, 2–3 times on each side, once a day",
    },
    {
        "slug": "calf-stretch",
        "name": "Wall calf stretch (straight knee)",
        "category": "mobility",
        "body_region": "ankle_foot",
        "summary": "Loosens the upper calf so the ankle can bend forward more freely.",
        "steps": [
            "Put both hands on a wall at about shoulder height.",
            "Take a long step back with one foot, heel down and knee straight.",
            "Bend the front knee and lean your hips toward the wall.",
            "Stop when the calf of the back leg feels a mild stretch, and hold.",
            "Step back together and change sides.",
        ],
        "cues": [
            "Back heel stays heavy on the floor.",
            "Point both feet straight ahead.",
        ],
        "cautions": [
            "Lean gently; the stretch should build slowly, never sharply.",
        ],
        "default_sets": 3,
        "default_reps": None,
        "default_hold_seconds": 30,
        "default_times_per_day": 1,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "Hold 20–30 seconds, 2–3 times on each side, once a day",
    },
    {
        "slug": "soleus-stretch",
        "name": "Wall calf stretch (bent knee)",
        "category": "mobility",
        "body_region": "ankle_foot",
        "summary": "Loosens the deeper, lower part of the calf just above the heel.",
        "steps": [
            "Stand facing a wall with both hands resting on it.",
            "Step one foot back a short distance with the heel on the floor.",
            "Bend both knees slightly, letting the back knee sink toward the floor.",
            "Hold when you feel a mild stretch low in the back calf, near the ankle.",
            "Straighten up and change sides.",
        ],
        "cues": [
            "Keep the back heel down as the knee bends.",
            "A smaller step back usually works better for this one.",
        ],
        "cautions": [
            "Move into the stretch slowly and stay where it feels comfortable.",
        ],
        "default_sets": 3,
        "default_reps": None,
        "default_hold_seconds": 30,
        "default_times_per_day": 1,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "Hold 20–30 seconds, 2–3 times on each side, once a day",
    },
    {
        "slug": "hip-flexor-stretch",
        "name": "Kneeling hip flexor stretch",
        "category": "mobility",
        "body_region": "hip",
        "summary": (
            "Opens up the front of the hip so the leg can swing further behind you when you walk."
        ),
        "steps": [
            (
                "Go down onto one knee, with a folded towel or cushion beneath it and your other "
                "foot planted ahead of you."
            ),
            "Rest a hand on a chair or wall if you want extra balance.",
            "Stand your upper body tall and gently tuck your tailbone under.",
            (
                "Let your body glide a little forward until you feel a mild stretch at the front "
                "of the hip on the kneeling side."
            ),
            "Hold, then ease back and change sides.",
        ],
        "cues": [
            "Tall chest, tucked tailbone.",
            "Move forward as one piece rather than leaning back.",
        ],
        "cautions": [
            (
                "If kneeling is uncomfortable for your knee, use the standing hip flexor stretch "
                "instead."
            ),
        ],
        "default_sets": 3,
        "default_reps": None,
        "default_hold_seconds": 30,
        "default_times_per_day": 1,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "Hold 20–30 seconds, 2–3 times on each side, once a day",
    },
    {
        "slug": "standing-hip-flexor-stretch",
        "name": "Standing hip flexor stretch",
        "category": "mobility",
        "body_region": "hip",
        "summary": "Opens up the front of the hip without kneeling on the floor.",
        "steps": [
            "Stand side-on to a chair or counter and hold it with one hand.",
            "Take a long step back with the leg you want to stretch and lift that heel.",
            "Gently tuck your tailbone under and stand your upper body tall.",
            "Bend the front knee a little until the front of the back hip feels a mild stretch.",
            "Hold, then step together and change sides.",
        ],
        "cues": [
            "Keep the tuck small; think of your belt buckle lifting toward your ribs.",
            "Both feet point forward.",
        ],
        "cautions": [
            "Keep the front knee only slightly bent so the stretch stays in the hip.",
        ],
        "default_sets": 3,
        "default_reps": None,
        "default_hold_seconds": 30,
        "default_times_per_day": 1,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "Hold 20–30 seconds, 2–3 times on each side, once a day",
    },
    {
        "slug": "seated-hip-rotation-stretch",
        "name": "Seated figure-four hip stretch",
        "category": "mobility",
        "body_region": "hip",
        "summary": (
            "Improves turning movement at the hip, which helps the knee line up well below it."
        ),
        "steps": [
            "Sit tall on a sturdy chair with both feet flat.",
            "Rest the outside of one ankle on the opposite thigh, just above the knee.",
            "Let the crossed knee sink gently toward the floor.",
            (
                "Keeping your back long, lean forward slightly from the hips until the buttock or "
                "outer hip feels a mild stretch."
            ),
            "Hold, then uncross slowly and change sides.",
        ],
        "cues": [
            "Lean from the hips, not by rounding your back.",
            "Let the crossed leg be heavy rather than pushing it down.",
        ],
        "cautions": [
            (
                "If this position feels awkward for your knee, rest the ankle lower on the shin "
                "and skip the forward lean."
            ),
        ],
        "default_sets": 3,
        "default_reps": None,
        "default_hold_seconds": 30,
        "default_times_per_day": 1,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "Hold 20–30 seconds, 2–3 times on each side, once a day",
    },
    {
        "slug": "banded-ankle-mobilization",
        "name": "Banded ankle mobilization",
        "category": "mobility",
        "body_region": "ankle_foot",
        "summary": (
            "Frees up the ankle's forward bend so the knee does not have to make up for a stiff "
            "ankle on stairs and squats."
        ),
        "steps": [
            (
                "Anchor a resistance band low to something solid and loop it around the front of "
                "your ankle, just below the ankle bones."
            ),
            (
                "Step forward until the band pulls gently backward, and face a wall or chair for "
                "support."
            ),
            "Keeping the heel down, bend the knee forward over your toes as far as is comfortable.",
            "Hold at the furthest easy point, then come back slowly.",
            "Change sides. No band? Do the same movement without it.",
        ],
        "cues": [
            "Knee travels toward your second toe, not inward.",
            "Heel stays planted the whole time.",
        ],
        "cautions": [
            (
                "You may feel a stretch in the calf or a pinch at the front of the ankle; if the "
                "pinch is sharp, go less far forward."
            ),
            "Check the band's anchor is secure before you lean into it.",
        ],
        "default_sets": 3,
        "default_reps": None,
        "default_hold_seconds": 30,
        "default_times_per_day": 1,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "Hold 20–30 seconds, 2–3 times on each side, once a day",
    },
    {
        "slug": "back-ball-mobilization",
        "name": "Wall ball lower back mobilization",
        "category": "mobility",
        "body_region": "lower_back",
        "summary": (
            "Uses gentle pressure from a ball to loosen stiff spots beside the spine, which can "
            "help the hips and knees move more freely."
        ),
        "steps": [
            (
                "Lean your back against a wall with a tennis ball trapped between you and the "
                "wall, just to one side of the spine near the bottom of your ribs."
            ),
            (
                "Lean back gently so the ball presses in, and stay on any spot that feels stiffer "
                "or thicker than the rest."
            ),
            "Breathe slowly and let the area soften under the ball.",
            "Bend your knees a little to let the ball roll down to the next spot.",
            "Work down toward your belt line, then repeat on the other side of the spine.",
        ],
        "cues": [
            "Lean, do not push hard.",
            "Keep the ball beside the spine, never on the bony bumps in the middle.",
        ],
        "cautions": [
            "The pressure should feel firm but comfortable, never sharp.",
            (
                "If you have been told your bones are fragile, check with your therapist before "
                "trying this one."
            ),
        ],
        "default_sets": 3,
        "default_reps": None,
        "default_hold_seconds": 30,
        "default_times_per_day": 1,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "20–30 seconds on each of 2–3 spots per side, once a day",
    },
    {
        "slug": "foot-and-toe-mobility",
        "name": "Foot and toe mobility",
        "category": "mobility",
        "body_region": "ankle_foot",
        "summary": (
            "Gets the many small joints of the foot moving again after long hours squeezed into "
            "shoes."
        ),
        "steps": [
            "Sit with one bare foot resting across the opposite knee, or flat on the floor.",
            "Spread your toes wide, then curl them gently, moving slowly between the two.",
            (
                "Hold the heel in one hand and the front of the foot in the other, and twist the "
                "foot gently one way and then the other."
            ),
            "Hold each toe in turn and move it up, down and around in small circles.",
            (
                "Finish by gently shifting the skin of your heel in different directions, then "
                "change feet."
            ),
        ],
        "cues": [
            "Think movement, not pressure.",
            "Go slowly enough to notice how each part moves.",
        ],
        "cautions": [
            (
                "If you cannot comfortably reach your foot, do the toe spreading and curling with "
                "the foot flat on the floor."
            ),
        ],
        "default_sets": 1,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": "8–12 slow movements of each kind on each foot, once a day",
    },
    {
        "slug": "joint-by-joint-warm-up",
        "name": "Head-to-toe joint warm-up",
        "category": "mobility",
        "body_region": "whole_body",
        "summary": (
            "Moves every major joint through an easy range so the brain gets clear movement "
            "information from the whole body before exercise."
        ),
        "steps": [
            "Stand tall with a sturdy chair or counter within reach.",
            "Nod, turn and tilt your head slowly, then roll your shoulders.",
            "Circle your wrists and open and close your hands.",
            "With hands on hips, circle your pelvis slowly and gently rock it forward and back.",
            "Holding your support, bend and straighten each knee a few times.",
            "Lift one foot at a time and draw slow circles with the ankle.",
            "Finish by rising onto your toes and lowering, then walk around the room.",
        ],
        "cues": [
            "Use the full range you have today, without forcing it.",
            "Slow and smooth beats fast and big.",
        ],
        "cautions": [
            "There is nothing to push through here; keep every movement comfortable.",
            "Hold your support whenever you stand on one leg.",
        ],
        "default_sets": 1,
        "default_reps": 8,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 7,
        "default_side": "both",
        "dosage_note": (
            "5–10 slow repetitions of each movement, once a day or before other exercise"
        ),
    },
    # Strength
    {
        "slug": "quad-set",
        "name": "Quad set (thigh tightener)",
        "category": "strength",
        "body_region": "knee",
        "summary": (
            "Wakes up the muscle at the front of the thigh that straightens and steadies the knee."
        ),
        "steps": [
            "Sit or lie with your legs out straight.",
            "Place a small rolled towel under one knee.",
            "Tighten your thigh muscle so the knee straightens and pushes down onto the towel.",
            "Hold the squeeze for 5–10 seconds while breathing normally.",
            "Relax fully, then repeat. Change legs after the set.",
        ],
        "cues": [
            "Watch the kneecap glide up a little as the thigh tightens.",
            "Keep breathing during the hold.",
        ],
        "cautions": [
            "This should feel like muscle work. If the knee aches, press more softly.",
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 squeezes held 5–10 seconds each, 2–3 sets, 3–4 days a week",
    },
    {
        "slug": "straight-leg-raise",
        "name": "Straight leg raise",
        "category": "strength",
        "body_region": "thigh",
        "summary": "Strengthens the front of the thigh while keeping the knee still and straight.",
        "steps": [
            (
                "Lie face up. Bend one knee so its foot rests on the floor, and keep the other leg "
                "long."
            ),
            "Tighten the thigh of the straight leg so the knee is fully straight.",
            (
                "Lift the straight leg slowly until it is about level with the other knee, roughly "
                "15–30 cm off the floor."
            ),
            "Lower it slowly back down and relax for a moment.",
            "Finish the set, then change legs.",
        ],
        "cues": [
            "Tighten the thigh first, then lift.",
            "Take longer to lower than to lift.",
            "Keep your lower back resting on the floor.",
        ],
        "cautions": [
            "If your lower back arches or aches, make the lift smaller.",
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 reps, 2–3 sets, 3–4 days a week",
    },
    {
        "slug": "terminal-knee-extension",
        "name": "Band knee straightening (terminal knee extension)",
        "category": "strength",
        "body_region": "knee",
        "summary": (
            "Builds strength in the last part of straightening the knee, where it locks steady."
        ),
        "steps": [
            "Tie a resistance band around something solid at knee height.",
            (
                "Step into the loop so the band sits behind one knee, and step back until it is "
                "taut with the knee slightly bent."
            ),
            "Straighten the knee fully by tightening the front of the thigh against the band.",
            "Hold for a moment, then let the knee bend again slowly and with control.",
            "Finish the set, then change legs.",
        ],
        "cues": [
            "Keep the heel on the floor.",
            "Finish tall, with the thigh fully tight.",
        ],
        "cautions": [
            "Check that the band is secure before you put weight against it.",
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 reps, 2–3 sets, 3–4 days a week",
    },
    {
        "slug": "glute-bridge",
        "name": "Glute bridge",
        "category": "strength",
        "body_region": "hip",
        "summary": (
            "Strengthens the buttock and back-of-thigh muscles that help steady the knee from "
            "above."
        ),
        "steps": [
            "Lie face up, bend both knees and set your feet on the floor about hip-width apart.",
            "Lightly tighten your stomach muscles.",
            (
                "Squeeze your buttocks and peel your hips up off the floor, stopping when your "
                "trunk and thighs are in line."
            ),
            "Hold for a second or two.",
            "Roll back down slowly, one part of the spine at a time.",
        ],
        "cues": [
            "Press through your heels.",
            "Lift with your buttocks, not by arching your back.",
            "Knees stay in line with your hips.",
        ],
        "cautions": [
            (
                "If you feel it mostly in your lower back, or the back of the thigh cramps, lift a "
                "little lower and focus on the squeeze."
            ),
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 reps, 2–3 sets, 3–4 days a week",
    },
    {
        "slug": "clamshell",
        "name": "Clamshell",
        "category": "strength",
        "body_region": "hip",
        "summary": (
            "Strengthens the muscles at the side and back of the hip that stop the knee caving "
            "inward."
        ),
        "steps": [
            "Lie on your side with your hips and knees bent, heels touching.",
            "Rest your head on your arm or a pillow and stack one hip directly above the other.",
            "Open the top knee upward like a clam opening, while the heels stay in contact.",
            "Stop before the top hip starts to tip back.",
            "Lower slowly, finish the set, then turn over and change sides.",
        ],
        "cues": [
            "Heels stay together.",
            "Open the knees like a book while the pelvis stays still.",
        ],
        "cautions": [
            (
                "A band around the thighs makes this harder; add one only when your therapist "
                "suggests it."
            ),
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 reps, 2–3 sets, 3–4 days a week",
    },
    {
        "slug": "side-lying-leg-lift",
        "name": "Side-lying leg lift",
        "category": "strength",
        "body_region": "hip",
        "summary": (
            "Strengthens the muscles at the side of the hip that keep the pelvis level as you walk."
        ),
        "steps": [
            "Lie on your side with the bottom knee bent for balance.",
            "Straighten the top leg in line with your body, toes pointing forward.",
            "Lift the top leg a short way toward the ceiling, leading with the heel.",
            "Pause, then lower slowly.",
            "Finish the set, then change sides.",
        ],
        "cues": [
            "Keep the leg in line with your body or slightly behind, never in front.",
            "Height is not the goal; a slow lift is.",
        ],
        "cautions": [
            (
                "A band around the legs makes this harder; add one only when your therapist "
                "suggests it."
            ),
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 reps, 2–3 sets, 3–4 days a week",
    },
    {
        "slug": "calf-raise",
        "name": "Standing calf raise",
        "category": "strength",
        "body_region": "ankle_foot",
        "summary": "Strengthens the calf muscles that help absorb the force of each step.",
        "steps": [
            "Stand facing a counter with feet hip-width apart and fingertips resting on it.",
            "Lift your heels slowly so your weight moves onto the front of your feet.",
            "Pause briefly at the top.",
            "Lower your heels slowly back to the floor.",
        ],
        "cues": [
            "Keep weight over the big toe and second toe, so the ankles do not roll outward.",
            "Lower more slowly than you rise.",
        ],
        "cautions": [
            "Keep your fingertips on something steady for balance.",
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 reps, 2–3 sets, 3–4 days a week",
    },
    {
        "slug": "short-foot",
        "name": "Arch lift (short foot)",
        "category": "strength",
        "body_region": "ankle_foot",
        "summary": (
            "Strengthens the small muscles that support the arch so the foot does not roll in as "
            "much."
        ),
        "steps": [
            "Sit with one bare foot flat on the floor.",
            (
                "Keeping the toes long and relaxed, gently draw the ball of the foot toward the "
                "heel so the arch lifts a little."
            ),
            "Hold for about 5 seconds, then relax.",
            "When this feels easy, try it standing with a hand on a counter.",
            "Finish the set, then change feet.",
        ],
        "cues": [
            "Toes stay long; do not curl or grip with them.",
            "The movement is small; the arch rises only slightly.",
        ],
        "cautions": [
            "If the foot cramps, relax it, rub it gently and try again with less effort.",
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 lifts held about 5 seconds each, 2–3 sets, 3–4 days a week",
    },
    {
        "slug": "chair-squat",
        "name": "Squat to a chair",
        "category": "strength",
        "body_region": "knee",
        "summary": (
            "Builds leg strength in a squat while training the knees to line up with the feet."
        ),
        "steps": [
            "Stand in front of a sturdy chair with feet hip-width apart.",
            "Send your hips back and bend your knees as if about to sit.",
            "As you lower, press the knees gently outward so they point the same way as your toes.",
            (
                "Go only as deep as you can keep that position, touching the chair lightly if you "
                "reach it."
            ),
            "Push through the whole foot to stand tall again.",
        ],
        "cues": [
            "Knees follow your toes; do not let them drift in.",
            "Keep your chest up and your back long.",
            "Depth comes after good form.",
        ],
        "cautions": [
            "If the knee complains, reduce the depth or the speed rather than stopping altogether.",
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 reps, 2–3 sets, 3–4 days a week",
    },
    {
        "slug": "step-up",
        "name": "Step-up",
        "category": "strength",
        "body_region": "knee",
        "summary": "Builds strength and steadiness on one leg for stairs and curbs.",
        "steps": [
            "Stand facing a low step, such as the bottom stair, with a hand on the rail.",
            "Place the whole of one foot on the step.",
            "Push through that foot to rise until you are standing on the step.",
            "Step back down slowly with the other foot first.",
            "Do all the reps on one leg, then change legs.",
        ],
        "cues": [
            "Let the front leg do the work instead of pushing off the back foot.",
            "Kneecap points toward your second toe.",
        ],
        "cautions": [
            "Start with the lowest step you have, and keep hold of a rail.",
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 reps, 2–3 sets, 3–4 days a week",
    },
    {
        "slug": "hip-hinge",
        "name": "Hip hinge (body-weight deadlift)",
        "category": "strength",
        "body_region": "hip",
        "summary": (
            "Trains the buttocks and back of the thighs and teaches a safe way to bend forward."
        ),
        "steps": [
            "Stand tall with feet hip-width apart and knees softly bent.",
            "Rest your hands on the front of your thighs.",
            (
                "Push your hips back while your hands slide down toward your knees, keeping your "
                "back long."
            ),
            "Stop when you feel the back of the thighs working.",
            "Squeeze your buttocks to bring your hips forward and stand tall again.",
        ],
        "cues": [
            "Hips move back, not down.",
            "Keep your back straight, like a plank of wood.",
            "Neck stays in line with your spine.",
        ],
        "cautions": [
            "Stay with body weight until your therapist adds a load.",
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 reps, 2–3 sets, 3–4 days a week",
    },
    # Motor control and balance
    {
        "slug": "single-leg-balance",
        "name": "Single-leg balance",
        "category": "motor_control",
        "body_region": "whole_body",
        "summary": "Teaches your whole leg to work as one unit to keep you steady on one foot.",
        "steps": [
            "Stand beside a counter with your fingertips resting on it.",
            "Shift your weight onto one foot and lift the other just off the floor.",
            "Stand tall with your hips level and the standing knee softly bent.",
            "Hold steady, then put the foot down and rest.",
            "As it gets easier, lift your fingertips off the counter. Change legs each time.",
        ],
        "cues": [
            "Soft knee, not locked.",
            "Keep the hips level; do not let one side drop.",
            "Fix your eyes on a point straight ahead.",
        ],
        "cautions": [
            "Always keep something steady within easy reach.",
        ],
        "default_sets": 3,
        "default_reps": None,
        "default_hold_seconds": 30,
        "default_times_per_day": 1,
        "default_days_per_week": 5,
        "default_side": "both",
        "dosage_note": "Hold 20–30 seconds, 2–3 times on each leg, once a day on most days",
    },
    {
        "slug": "balance-eyes-closed",
        "name": "Eyes-closed balance",
        "category": "motor_control",
        "body_region": "whole_body",
        "summary": (
            "Sharpens the body's own sense of position by taking your eyes out of the balance task."
        ),
        "steps": [
            "Stand in a corner or right beside a counter, feet hip-width apart.",
            "Get steady with your eyes open and your weight even on both feet.",
            "Close your eyes and stay tall and still.",
            "Open your eyes, rest, and repeat.",
            (
                "When it feels easy, bring your feet closer together, then try one foot just in "
                "front of the other."
            ),
        ],
        "cues": [
            "Feel the pressure under both feet.",
            "Small sways are normal; let your ankles make the corrections.",
        ],
        "cautions": [
            "Only close your eyes with something sturdy right next to you, ideally in a corner.",
            "Open your eyes whenever you need to; that is part of the practice.",
        ],
        "default_sets": 3,
        "default_reps": None,
        "default_hold_seconds": 30,
        "default_times_per_day": 1,
        "default_days_per_week": 5,
        "default_side": "both",
        "dosage_note": "Hold 20–30 seconds, 2–3 times, once a day on most days",
    },
    {
        "slug": "step-down",
        "name": "Slow step-down",
        "category": "motor_control",
        "body_region": "knee",
        "summary": (
            "Teaches the thigh to control your weight on the way down, with the knee lined up over "
            "the foot."
        ),
        "steps": [
            (
                "Stand side-on on the bottom stair holding the rail, one foot on the step and the "
                "other hanging just off the edge."
            ),
            "Slowly bend the standing knee so the free heel lowers toward the floor.",
            "Touch the floor lightly with the heel without putting weight on it.",
            "Straighten the standing knee to rise back up.",
            "Do all the reps on one leg, then change legs.",
        ],
        "cues": [
            "Count three seconds on the way down.",
            "Kneecap points toward your second toe.",
            "Keep your hips level.",
        ],
        "cautions": [
            (
                "Start with a very low step, such as a thick book, and lower only as far as you "
                "can control."
            ),
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 slow reps on each leg, 2–3 sets, 3–4 days a week",
    },
    {
        "slug": "knee-position-sense-drill",
        "name": "Knee position matching",
        "category": "motor_control",
        "body_region": "knee",
        "summary": "Improves your sense of where your knee is without needing to look at it.",
        "steps": [
            "Sit on a high chair or the edge of a bed so your feet hang free.",
            "With eyes open, straighten one knee partway, hold it, and notice how that feels.",
            "Lower the leg, close your eyes, and try to return to exactly the same spot.",
            "Open your eyes and check how close you came.",
            "Choose a new target each time, and change legs after the set.",
        ],
        "cues": [
            "Move slowly and pay close attention to the feeling in the knee.",
            "A phone photo or a helper can show how close you got.",
        ],
        "cautions": [
            "Keep the movement within a comfortable range.",
        ],
        "default_sets": 1,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 5,
        "default_side": "both",
        "dosage_note": "8–12 tries on each leg, 1–2 sets, on most days",
    },
    {
        "slug": "single-leg-mini-squat",
        "name": "Single-leg mini squat",
        "category": "motor_control",
        "body_region": "knee",
        "summary": "Builds control of the hip and knee together while standing on one leg.",
        "steps": [
            "Stand on one leg beside a counter, holding it lightly.",
            "Bend the standing knee a small amount, about a quarter of the way down.",
            "Keep the kneecap pointing toward your second toe and your hips level.",
            "Straighten back up slowly.",
            "Use a mirror to check your knee line, and change legs after the set.",
        ],
        "cues": [
            "Small and controlled beats deep and wobbly.",
            "Hips stay level throughout.",
        ],
        "cautions": [
            "Keep hold of the counter until your therapist suggests letting go.",
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 3,
        "default_side": "both",
        "dosage_note": "10–15 reps, 2–3 sets, 3–4 days a week",
    },
    # Gait and movement retraining
    {
        "slug": "walking-check-in",
        "name": "Walking check-in",
        "category": "gait",
        "body_region": "whole_body",
        "summary": (
            "A short, curious walk to notice how your knees and feet move, before trying to change "
            "anything."
        ),
        "steps": [
            "Walk at your usual pace along a hallway or quiet path.",
            "Notice whether each knee moves forward in line with your second toe or drifts inward.",
            "Notice any difference between your left and right sides.",
            (
                "Later, when you climb stairs or get up from a chair, notice whether one side "
                "feels less steady."
            ),
            "Add a short note in the app about what you noticed, for your therapist.",
        ],
        "cues": [
            "Just watch; there is nothing to fix yet.",
        ],
        "cautions": [
            "Choose a flat, well-lit place to walk.",
        ],
        "default_sets": 1,
        "default_reps": 4,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 2,
        "default_side": "both",
        "dosage_note": "4–6 lengths of a hallway, once or twice a week",
    },
    {
        "slug": "full-stride-walking",
        "name": "Full-stride walking",
        "category": "gait",
        "body_region": "hip",
        "summary": (
            "Practices an even stride in which the hip straightens behind you, so the hip shares "
            "the work of walking with the knee."
        ),
        "steps": [
            "Walk on flat ground at a comfortable pace.",
            "Let the back leg stay behind you a moment longer, so the front of the hip opens.",
            "Roll off through the big toe as that foot leaves the ground.",
            "Aim for steps of the same length on both sides.",
            "Keep your upper body tall and your pelvis level.",
        ],
        "cues": [
            "Push the ground away behind you rather than reaching far forward.",
            "Even, matching steps.",
        ],
        "cautions": [
            "A fuller stride is not a lunge; keep the steps natural.",
            "If your knee pain climbs past the amber zone, shorten the walk next time.",
        ],
        "default_sets": 1,
        "default_reps": 6,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 5,
        "default_side": "both",
        "dosage_note": "4–8 lengths of a hallway or room, once a day on most days",
    },
    {
        "slug": "arm-swing-walking",
        "name": "Relaxed arm-swing walking",
        "category": "gait",
        "body_region": "whole_body",
        "summary": (
            "Brings back a natural, opposite arm swing, which helps the pelvis and legs move "
            "smoothly."
        ),
        "steps": [
            "Walk at an easy pace with your shoulders relaxed down.",
            "Let each arm swing forward as the opposite leg steps forward.",
            "Keep the swing loose, coming from the shoulder with the elbows soft.",
            "Notice the gentle turn of your upper body with each step.",
        ],
        "cues": [
            "Loose shoulders, easy swing.",
            "Right arm with left leg, left arm with right leg.",
        ],
        "cautions": [
            "Keep your pace comfortable; this is about rhythm, not speed.",
        ],
        "default_sets": 1,
        "default_reps": 6,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 5,
        "default_side": "both",
        "dosage_note": "4–8 lengths of a hallway or room, once a day on most days",
    },
    {
        "slug": "heel-to-toe-walking",
        "name": "Heel-to-toe rolling walk",
        "category": "gait",
        "body_region": "ankle_foot",
        "summary": (
            "Practices a smooth contact with the ground, rolling from the heel through to the toes."
        ),
        "steps": [
            "Walk slowly on flat ground, barefoot indoors or in comfortable shoes.",
            "Let the heel touch down softly with the toes pointing roughly forward.",
            "Roll smoothly through the middle of the foot.",
            "Push off through the big toe.",
            "Keep the rhythm steady and your footsteps quiet.",
        ],
        "cues": [
            "Quiet feet.",
            "Feel the whole foot take part in every step.",
        ],
        "cautions": [
            "Take it slowly at first; a smooth roll matters more than speed.",
        ],
        "default_sets": 1,
        "default_reps": 6,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 5,
        "default_side": "both",
        "dosage_note": "4–8 lengths of a hallway or room, once a day on most days",
    },
    {
        "slug": "sit-to-stand",
        "name": "Sit to stand",
        "category": "gait",
        "body_region": "knee",
        "summary": (
            "Retrains getting up from and down into a chair so both legs share the load evenly."
        ),
        "steps": [
            (
                "Sit toward the front of a sturdy chair, feet flat and hip-width apart, slightly "
                "behind your knees."
            ),
            "Lean your chest forward so your nose moves over your toes.",
            (
                "Push evenly through both feet to stand tall, with the knees pointing toward your "
                "toes."
            ),
            "Reach your hips back and lower slowly to sit down again.",
            "Use your hands on the chair at first if you need to.",
        ],
        "cues": [
            "Equal weight through both feet.",
            "Knees follow your toes.",
            "Sit down slowly rather than dropping.",
        ],
        "cautions": [
            "Use a chair that will not slide, ideally with its back against a wall.",
        ],
        "default_sets": 2,
        "default_reps": 10,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 5,
        "default_side": "both",
        "dosage_note": "10–15 reps, 1–2 sets, on most days",
    },
    {
        "slug": "stair-descent-practice",
        "name": "Controlled stair descent",
        "category": "gait",
        "body_region": "knee",
        "summary": (
            "Practices going down stairs smoothly, with the knee lined up and the landing soft."
        ),
        "steps": [
            "Stand at the top of a short run of stairs with a hand on the rail.",
            "Bend the standing knee smoothly to lower your other foot to the step below.",
            "Keep the kneecap of the standing leg pointing toward your second toe.",
            "Place the lower foot down quietly and stay upright over your feet.",
            "Go down 4–6 steps this way, then walk back up normally and rest.",
        ],
        "cues": [
            "Slow and quiet landings.",
            "Upright body, eyes ahead.",
        ],
        "cautions": [
            "Always keep a hand on the rail.",
            (
                "Going one step at a time with both feet on each step is a perfectly good place to "
                "start."
            ),
        ],
        "default_sets": 1,
        "default_reps": 3,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 5,
        "default_side": "both",
        "dosage_note": "2–4 short runs of 4–6 steps, once a day on most days",
    },
    {
        "slug": "step-around-turn",
        "name": "Step-around turn",
        "category": "gait",
        "body_region": "whole_body",
        "summary": (
            "Practices turning by stepping the feet around, instead of twisting on a planted knee."
        ),
        "steps": [
            "Stand tall in a clear space.",
            "Pick a point to one side of you.",
            "Turn to face it with small steps, letting your feet, knees and hips turn together.",
            "Pause, then turn back the other way.",
            "Once this feels natural, practice while carrying something light, like a cushion.",
        ],
        "cues": [
            "Feet lead the turn.",
            "Knee and toes point the same way.",
        ],
        "cautions": [
            "Clear away rugs and clutter before you start.",
        ],
        "default_sets": 1,
        "default_reps": 8,
        "default_hold_seconds": None,
        "default_times_per_day": 1,
        "default_days_per_week": 5,
        "default_side": "both",
        "dosage_note": "8–10 turns in each direction, once a day on most days",
    },
]


PROGRAM_TEMPLATES: Final[list[ProgramTemplateSeed]] = [
    {
        "slug": "nerve-sensitive-knee",
        "name": "Nerve-sensitive knee: glide, mobilize, strengthen",
        "goal": (
            "Settle nerve-related pain near the knee by restoring gentle nerve movement, loosening "
            "tight muscles along the nerves' path, and building support in the thigh and hip."
        ),
        "description": (
            "An irritated nerve around the knee usually needs two things: room to slide freely, "
            "and less squeeze from tight or tired muscles nearby. This template starts with a few "
            "gentle glides, adds stretches for the muscles those nerves pass, and finishes with "
            "simple strength work that steadies the knee. Begin with small amounts and build up "
            "only as symptoms allow."
        ),
        "items": [
            {
                "exercise": "sciatic-nerve-glide",
            },
            {
                "exercise": "femoral-nerve-glide",
            },
            {
                "exercise": "saphenous-nerve-glide",
                "notes": "Most useful when symptoms sit mainly on the inside of the knee.",
            },
            {
                "exercise": "hamstring-stretch",
                "sets": 2,
            },
            {
                "exercise": "hip-flexor-stretch",
                "sets": 2,
            },
            {
                "exercise": "quad-set",
            },
            {
                "exercise": "straight-leg-raise",
            },
            {
                "exercise": "glute-bridge",
            },
        ],
    },
    {
        "slug": "knee-as-movement-problem",
        "name": "Share the load: hip, ankle, foot and walking",
        "goal": (
            "Reduce the load on the knee by strengthening the hip, freeing up the ankle, "
            "supporting the foot and practicing an even, full-stride walk."
        ),
        "description": (
            "The knee is caught in the middle, between the hip and the ankle, and it often hurts "
            "because those neighbors are not pulling their weight. This template strengthens the "
            "hip muscles that stop the knee caving in, improves ankle bend and arch support, and "
            "then carries those gains into stepping and walking."
        ),
        "items": [
            {
                "exercise": "clamshell",
            },
            {
                "exercise": "side-lying-leg-lift",
            },
            {
                "exercise": "glute-bridge",
            },
            {
                "exercise": "banded-ankle-mobilization",
                "sets": 2,
            },
            {
                "exercise": "short-foot",
            },
            {
                "exercise": "calf-raise",
            },
            {
                "exercise": "step-down",
                "notes": "Add once the hip exercises feel comfortable for a full week.",
            },
            {
                "exercise": "full-stride-walking",
            },
        ],
    },
    {
        "slug": "move-every-joint",
        "name": "Move every joint (instead of foam rolling)",
        "goal": (
            "Settle a sensitive knee by moving every joint regularly, so the brain gets clear "
            "movement information from the whole body."
        ),
        "description": (
            "Pressing hard on sore muscles can quiet pain for a short while, but the relief rarely "
            "lasts until the next day. This template replaces that with a short daily routine that "
            "moves the feet, ankles, hips, spine and knees, followed by simple position-sense and "
            "balance practice. It also works well as a warm-up before strength work."
        ),
        "items": [
            {
                "exercise": "joint-by-joint-warm-up",
            },
            {
                "exercise": "foot-and-toe-mobility",
            },
            {
                "exercise": "seated-hip-rotation-stretch",
                "sets": 2,
            },
            {
                "exercise": "back-ball-mobilization",
                "sets": 2,
            },
            {
                "exercise": "knee-position-sense-drill",
            },
            {
                "exercise": "balance-eyes-closed",
                "notes": "Do this one in a corner or right beside a counter.",
            },
        ],
    },
    {
        "slug": "control-and-confidence",
        "name": "Control and confidence: balance and everyday movement",
        "goal": (
            "Restore steady, well-aligned control of the knee in balance, chair rises, stairs and "
            "turns."
        ),
        "description": (
            "A knee can test strong and still not feel reliable, because control depends on how "
            "well the brain senses and steers the joint. This template trains position sense and "
            "balance first, then practices the everyday movements that ask the most of the knee: "
            "getting up from a chair, going downstairs and turning."
        ),
        "items": [
            {
                "exercise": "knee-position-sense-drill",
            },
            {
                "exercise": "single-leg-balance",
            },
            {
                "exercise": "single-leg-mini-squat",
            },
            {
                "exercise": "step-down",
            },
            {
                "exercise": "sit-to-stand",
            },
            {
                "exercise": "stair-descent-practice",
            },
            {
                "exercise": "step-around-turn",
            },
        ],
    },
    {
        "slug": "loosen-strengthen-integrate",
        "name": "Back, hips and ankles: loosen, strengthen, put it to work",
        "goal": (
            "Ease stiffness in the lower back, hips and ankles, strengthen the hip, and build that "
            "new range and strength into squatting, stepping and bending."
        ),
        "description": (
            "Stiffness in the lower back, hips or ankles and weakness around the hip can quietly "
            "hand extra work to the knee. This template loosens those areas first, strengthens the "
            "hip, and then puts the new range and strength to use in squats, step-ups and a hip "
            "hinge. Move on to the later items once the earlier ones feel comfortable."
        ),
        "items": [
            {
                "exercise": "back-ball-mobilization",
                "sets": 2,
            },
            {
                "exercise": "standing-hip-flexor-stretch",
            },
            {
                "exercise": "calf-stretch",
            },
            {
                "exercise": "clamshell",
            },
            {
                "exercise": "side-lying-leg-lift",
            },
            {
                "exercise": "chair-squat",
            },
            {
                "exercise": "step-up",
            },
            {
                "exercise": "hip-hinge",
            },
        ],
    },
]


EXPLANATIONS: Final[list[ExplanationSeed]] = [
    {
        "slug": "knee-pain-and-the-nervous-system",
        "title": "Why knee pain that lingers is about more than the joint",
        "body": [
            (
                "When knee pain has hung around for months, it is still real pain, and it does not "
                "mean you have done anything wrong. What often changes over time is the way your "
                "nervous system handles the signals coming from the knee."
            ),
            (
                "Your brain and spinal cord have their own way of turning pain up or down, a bit "
                "like a volume dial. After a long spell of pain, that dial can get stuck nearer "
                "the loud end, so everyday movements can hurt more than the state of the knee "
                "would suggest. It is one reason two people with very similar scans can feel very "
                "different amounts of pain."
            ),
            (
                "The hopeful part is that a sensitive nervous system can settle again. Regular, "
                "well-judged movement, especially exercises that ask you to pay attention to how "
                "you move and balance, is one of the best ways to help it turn the volume back "
                "down."
            ),
            (
                "Your therapist looks at both the knee and the bigger picture, and shapes your "
                "program around you. Where anything here seems different from your situation, "
                "their advice comes first."
            ),
        ],
    },
    {
        "slug": "hip-ankle-foot-back-and-the-knee",
        "title": "Why your hip, ankle, foot and lower back matter for your knee",
        "body": [
            (
                "Your knee is the middle link between your hip and your ankle and foot, and every "
                "step sends force up through all three. When each joint takes its fair share, the "
                "knee copes well with its part of the job."
            ),
            (
                "If the hip muscles are weak or stiff, the thigh can turn and drop inward as you "
                "step, drawing the knee toward the middle. A stiff ankle, or a foot that rolls in "
                "a lot, can twist the shin and change how the knee lines up. The lower back "
                "matters too: it is the steady base the legs work from, and the nerves that supply "
                "the knee begin there."
            ),
            (
                "That is why your program may include hip strength, ankle and foot work, back "
                "mobility and walking practice, even though it is your knee that hurts. Helping "
                "the neighbors usually takes pressure off the knee."
            ),
            (
                "Your therapist will decide which of these areas matter most for you and adjust "
                "the balance of your program as you go."
            ),
        ],
    },
    {
        "slug": "sleep-stress-and-pain",
        "title": "Why pain can feel worse after poor sleep or a stressful week",
        "body": [
            (
                "Many people notice their knee hurts more after a bad night, or during a tense "
                "stretch at work or at home. That is not imagined, and it does not mean your knee "
                "is getting worse."
            ),
            (
                "The parts of the brain that run your stress response, such as heart rate and "
                "breathing, share wiring with the parts that keep pain in check. When you are "
                "tired, worried or under strain for a long time, the brain has less spare capacity "
                "to quiet pain signals, so the same knee can simply feel louder."
            ),
            (
                "Small steps can help: a regular bedtime, a few slow breaths before your "
                "exercises, a short walk outdoors, or a lighter version of your program on hard "
                "days. If sleep or stress has been difficult for a while, mention it to your "
                "therapist; it is a normal and useful part of the conversation."
            ),
        ],
    },
    {
        "slug": "pain-traffic-light",
        "title": "The pain traffic light",
        "body": [
            (
                "Some discomfort while you exercise is normal and does not mean you are doing "
                "harm. The traffic light helps you judge how much is fine. Score your pain from 0 "
                "(none at all) to 10 (the worst you can imagine) during and after your exercises."
            ),
            "Green, 0–2: all good. Carry on with your program as planned.",
            (
                "Amber, 3–5: acceptable, as long as the pain has settled back to your usual level "
                "by the next morning. If it has not, do a little less next time."
            ),
            (
                "Red, 6–10: more than we want for now. Ease off by making the exercise smaller, "
                "slower or lighter, or leave it out for the rest of the day. When you log a score "
                "in the red, your therapist will hear about it so they can adjust your program "
                "with you."
            ),
            (
                "The traffic light is a guide for your home exercises, not a diagnosis. If a pain "
                "feels new or different from your usual, or you are unsure, check in with your "
                "therapist rather than waiting for your next visit."
            ),
        ],
    },
    {
        "slug": "why-nerve-glides-are-gentle",
        "title": "Why nerve glides should feel gentle",
        "body": [
            (
                "Nerves need to slide and lengthen a little as you move, threading past muscles "
                "and joints on their way down the leg. An irritated nerve can become touchy about "
                "being pulled or pressed, and it may not slide as easily as it used to."
            ),
            (
                "A nerve glide moves the nerve to and fro through a small, comfortable range. This "
                "helps it slide freely again and encourages blood flow around it. It is not a "
                "stretch: you are coaxing the nerve, not pulling on it, so a faint pull is plenty."
            ),
            (
                "Sharp, burning or shooting pain, or tingling that hangs around after you stop, "
                "simply means the movement was bigger than the nerve wanted today. Make it smaller "
                "and slower next time. If it keeps happening, let your therapist know so they can "
                "change the exercise."
            ),
        ],
    },
    {
        "slug": "moving-joints-instead-of-foam-rolling",
        "title": "Why we move joints instead of foam rolling",
        "body": [
            (
                "Foam rolling can make a sore knee feel better for a little while. The strong "
                "pressure fills the brain with touch signals that drown out pain signals for a "
                "time. It leaves the cause of the knee pain untouched, though, so the pain tends "
                "to return, often by the next morning."
            ),
            (
                "Your brain builds its picture of the body from many kinds of information, "
                "including sensors in your joints that report movement and position. When joints "
                "move less, for example after long hours of sitting or years of feet squeezed into "
                "shoes, that movement information gets quieter and pain signals stand out more."
            ),
            (
                "Moving every joint regularly through an easy, comfortable range gives the brain a "
                "clearer map of the body. With clearer movement information coming in, it has less "
                "reason to keep the knee on high alert. That is why your program may begin with a "
                "short head-to-toe movement routine."
            ),
            (
                "There is no need to make something hurt to make it better. If you like foam "
                "rolling, ask your therapist where it fits in your plan."
            ),
        ],
    },
    {
        "slug": "strength-and-control",
        "title": "Why strength is not the whole story",
        "body": [
            (
                "You may have been told your strength tests are normal while your knee still feels "
                "unreliable. Both can be true. A strength test shows how much force a muscle can "
                "make; control depends on how well your brain senses the joint and coordinates the "
                "muscles around it from moment to moment."
            ),
            (
                "After a long spell of pain or an injury, the brain may lean more on your eyes and "
                "less on the knee's own sense of position, and the timing of the muscles can "
                "drift. Exercises that need careful attention, such as balance work, position "
                "matching and slow step-downs, help retrain that control."
            ),
            (
                "This kind of focused practice can also help the nervous system turn pain down. "
                "Take your time with these exercises; how well you do them matters more than how "
                "many you do. Your therapist will tell you when it is time to make them harder."
            ),
        ],
    },
    {
        "slug": "how-long-change-takes",
        "title": "How long before things improve?",
        "body": [
            (
                "Some people feel their knee ease within the first few sessions, often because the "
                "hip and ankle start moving better. Deeper change takes longer: a sensitive "
                "nervous system usually needs a few weeks of steady practice to begin settling, "
                "and lasting strength and new movement habits often take around 8–12 weeks."
            ),
            (
                "Progress is rarely a straight line. Good days and harder days are both normal, "
                "and a flare-up does not undo the work you have done. Steady, moderate practice on "
                "most days does more than the occasional big effort."
            ),
            (
                "Everyone's timeline is different. Your therapist will look at your log with you "
                "and adjust your program as you go."
            ),
        ],
    },
]
