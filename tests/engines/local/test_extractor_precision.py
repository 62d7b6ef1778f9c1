"""Rules of round 3 of issue 11 (precision first), each on sentences written for the test.

A goal keeps the things and the destination the learner named with its verb; a goal that
names only a kind of request, a place's staff where the place has many roles and the
learner's home are left to the follow-up question instead of guessed.
"""

from __future__ import annotations

from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.engines.local.extractor import SlotExtractor

EXTRACTOR = SlotExtractor()


def extract(text: str, awaiting: Slot | None = None) -> SlotValues:
    return EXTRACTOR.extract(text, awaiting)


def test_a_goal_keeps_two_things_joined_by_and() -> None:
    assert extract("I want to buy stamps and envelopes at the post office").goal == (
        "buy stamps and envelopes"
    )
    assert extract("I need to ask about the price and the delivery").goal == (
        "ask about the price and the delivery"
    )


def test_and_before_another_action_or_clause_still_ends_the_goal() -> None:
    assert extract("I want to return a jacket and I have the receipt").goal == "return a jacket"
    assert extract("I want to rent a bike and ride to the beach").goal == "rent a bike"


def test_a_change_keeps_what_it_becomes_and_a_parcel_where_it_goes() -> None:
    assert extract("I'd like to switch my room to a quiet one").goal == (
        "switch my room to a quiet one"
    )
    assert extract("I want to ship a box to Japan").goal == "ship a box to japan"


def test_other_verbs_still_leave_the_person_out_of_the_goal() -> None:
    assert extract("I want to send money to my brother").goal == "send money"


def test_a_goal_that_names_only_a_kind_of_request_is_asked_about() -> None:
    assert extract("At the garage, I talk to the mechanic, something is broken").goal is None
    assert extract("호텔 매니저님께 컴플레인 하고 싶어요").goal is None
    assert extract("식당에 예약하고 싶은데 직원분이랑").goal is None  # a reservation of what?


def test_the_kind_of_request_is_kept_when_it_answers_the_goal_question() -> None:
    assert extract("a complaint", Slot.GOAL).goal == "make a complaint"


def test_a_bare_staff_word_at_a_place_of_many_roles_stays_staff() -> None:
    assert extract("식당에서 직원한테 자리 있는지 물어보고 싶어요").partner == "staff"
    assert extract("헬스장 직원한테 물어볼래요").partner in ("staff", "gym staff")
    assert extract("카페에서 직원한테 라떼 주문하고 싶어요").partner == "barista"


def test_the_learners_home_in_korean_is_background() -> None:
    values = extract("집에 와서 보니까 신발이 작아요 가게 가서 직원한테 말할래요")
    assert values.place != "home"
    assert values.partner != "home staff"


def test_the_learners_present_tense_states_the_goal() -> None:
    assert extract("At the bike shop I rent a helmet from the staff").goal == "rent a helmet"
    assert extract("Library, I borrow a laptop charger from the librarian").goal == (
        "borrow a laptop charger"
    )


def test_asking_someone_to_do_something_is_that_errand() -> None:
    assert extract("At the hotel I ask the porter to carry my bags").goal == "carry my bags"


def test_cause_ends_a_goal_like_because() -> None:
    assert extract("I want to cancel my order cause it is late").goal == "cancel my order"


def test_a_goal_whose_thing_is_cut_by_the_length_limit_is_asked_about() -> None:
    assert extract("I want to change to a non smoking hotel room please").goal is None
    assert extract("I want to ask for a table near the window").goal == (
        "ask for a table near the window"
    )


def test_room_service_is_its_own_staff_not_housekeeping() -> None:
    assert extract("I'm in my hotel room and I call room service").partner == (
        "room service staff"
    )


def test_korean_thing_dallago_is_asking_for_that_thing() -> None:
    assert extract("식당에서 종업원한테 물 좀 달라고 하고 싶어요").goal == "ask for water"
    assert extract("승무원한테 담요 달라고 할래요").goal == "ask for a blanket"


def test_korean_dallago_after_a_verb_or_an_unknown_thing_fills_no_goal() -> None:
    assert extract("미용실에서 머리 짧게 잘라 달라고 할래요").goal != "ask for hair"
    assert extract("직원한테 꿀벌통 달라고 할래요").goal is None


def test_korean_destination_asked_of_a_driver_is_going_there() -> None:
    assert extract("택시 기사님한테 인천공항까지 가 달라고 할래요").goal == "go to incheon airport"
    assert extract("기사님 시청으로 가 주세요").goal == "go to city hall"


def test_korean_going_somewhere_without_asking_is_no_destination_goal() -> None:
    assert extract("공항으로 가는 버스를 타요").goal is None
    assert extract("택시 기사님한테 꿀벌마을까지 가 달라고 할래요").goal is None


def test_korean_juin_is_the_owner_not_a_market_vendor() -> None:
    assert extract("세탁소 주인한테 물어볼래요").partner == "owner"
    assert extract("시장 상인한테 깎아 달라고 할래요").partner == "vendor"


def test_a_place_the_learner_asks_to_be_taken_to_is_not_where_they_are() -> None:
    assert extract("기사님한테 호텔 가 달라고 할래요").place != "hotel"
    assert extract("호텔 가서 체크인 할래요").place == "hotel"


def test_a_bare_noun_phrase_opening_the_scene_is_its_place() -> None:
    assert extract("Bowling alley, the staff, I want to rent shoes").place == "bowling alley"
    assert extract("Key cutting shop. I want to copy my house key").place == "key cutting shop"
    assert extract("<b>bold</b>").place is None  # a card states more than its place


def test_a_greeting_a_chat_role_or_a_slot_name_opens_no_place() -> None:
    assert extract("Hello, I want to order a pizza").place is None
    assert extract("Situation: I want to return a lamp").place is None
    assert extract("Running late, I want to book a table").place is None


def test_a_filler_before_a_place_is_no_part_of_its_name() -> None:
    assert extract("okay um bank um i want to open an account with the teller").place == "bank"


def test_a_partner_word_of_several_kinds_implies_no_place() -> None:
    assert extract("I'm asking the attendant about the price").place is None


def test_korean_loanwords_and_seat_and_passport_goals() -> None:
    assert extract("식당에서 직원한테 자리 바꿔 달라고 할래요").goal == "change seats"
    assert extract("대사관에서 여권 재발급 신청하고 싶어요").goal == "get a new passport"
    assert extract("가게에서 리펀드 받고 싶어요").goal == "get a refund"
    assert extract("호텔 예약 캔슬하고 싶어요").goal == "cancel a reservation"


def test_renewing_a_passport_is_no_visa_application() -> None:
    assert extract("I want to renew my passport at the embassy").goal != "apply for a visa"


def test_a_that_clause_after_the_verb_is_no_goal_phrase() -> None:
    assert extract("I want to explain that the heater is broken").goal is None


def test_calling_the_front_desk_of_the_place_keeps_that_place() -> None:
    assert extract("호텔 방 TV가 안 나와요 프런트에 전화할래요").place in ("hotel", "hotel room")
    assert extract("I want to order pizza by phone").place == "phone call"


def test_a_place_named_with_place_words_before_it_is_one_place() -> None:
    assert extract("Passport office, the clerk, I want to renew my passport").place == (
        "passport office"
    )
    assert extract("uh bank bank i want to open an account").place == "bank"


def test_parking_lots_and_shopping_malls_are_places_of_their_own() -> None:
    assert extract("I'm at the parking lot, my car won't start").place == "parking lot"
    assert extract("쇼핑몰에서 직원한테 환불 받고 싶어요").place == "shopping mall"


def test_korean_lodgings_are_not_all_hotels() -> None:
    assert extract("호텔 말고 모텔이요").place == "motel"
    assert extract("게스트하우스에서 주인한테 체크인하고 싶어요").place == "guesthouse"


def test_a_korean_role_with_a_title_is_that_role() -> None:
    assert extract("병원에서 간호사 선생님한테 물어볼래요").partner == "nurse"
    assert extract("도서관 사서 선생님께 책 빌리고 싶어요").partner == "librarian"


def test_korean_compound_counters_are_named_whole() -> None:
    assert extract("렌터카 카운터에서 차 빌리고 싶어요").place == "car rental counter"
    assert extract("항공사 카운터에서 표 바꾸고 싶어요").place == "airline counter"


def test_asking_a_driver_for_a_ride_is_going_there() -> None:
    assert extract("In the taxi I tell the driver to take me to the train station").goal == (
        "go to the train station"
    )
    assert extract("I ask the driver to go to City Hall please").goal == "go to city hall"
    assert extract("I want to go to the bank and open an account").goal != "go to the bank"


def test_a_bare_staff_word_at_no_known_place_is_staff() -> None:
    assert extract("직원한테 봉투 달라고 할래요").partner == "staff"
    assert extract("구청에서 공무원한테 서류 떼고 싶어요").partner == "civil servant"
