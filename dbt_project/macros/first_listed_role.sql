{#-
    The first role a title lists, lowercased: what the role-family rules read (the labelling
    guide of eval/README.md: a title naming several roles takes the first one listed).
    Hacker News titles are often lists ("Software Engineers, Product Managers & Data
    Scientists", "Platform & Data Engineers", "Data Engineer, Full Stack Engineers (Sr &
    Staff/Lead), Sr. Product Manager"); without this step a data or ML word anywhere in the list
    decided the family.

    1. A bracketed list keeps its first item: "Software Engineers (SRE, data platform, backend)"
       -> "software engineers (sre)", "(Architecture & AI Systems)" -> "(architecture)".
    2. The title is cut into segments at list separators: ", " ";" " &" " +" "and" (a comma
       inside a number, "FP&A", "Staff+" and "C++" are not separators; "/" is not one either:
       "AI/ML", "Sr/Staff", "DevOps Engineer/SRE" name one role).
    3. A segment names a role when a role noun (engineer, developer, scientist, analyst,
       manager, lead, head, SWE, SRE, FDE, ...) ends it or is followed by a bracket, a dash, a
       slash, a level number or "of/for/in/at/...": "Developer Experience" or "Developer
       Relations" do not name a role, "Head of AI" does.
       - The first segment names a role and a later one too: the segments before the second
         role ("Software Engineer, Data Platform, Product Manager" -> "software engineer, data
         platform"); a qualifier after a single role ("Software Engineer, Data Platform",
         "SWE, Data & ML") stays.
       - The first segment is only levels ("Senior & Staff ML Engineer", "Associate, Business
         Manager"): the first segment naming a role.
       - The first segment is a bare qualifier and the first role is a plural noun: the
         qualifier takes that noun ("Platform & Data Engineers" -> "platform engineers", "AI,
         Frontend, Product Engineers" -> "ai engineers").
       - Otherwise (no role named, a single role, "Founding AI, Data Science Lead"): the whole
         title, brackets reduced as in 1.
    A correlated scalar subquery, so the macro is one expression (it is used once per distinct
    title, in int_job_titles_classified, and by tests/dbt/test_role_family_rules.py).
-#}
{% macro first_listed_role(expression) -%}
    {%- set separator = '(\\s*(,\\s|;|\\s&|\\s\\+|\\band\\b)\\s*)+' -%}
    {%- set role_noun = "\\b(engineers?|eng|developers?|devs?|scientists?|analysts?|researchers?|architects?|designers?|managers?|pms?|ems?|leads?|heads?|directors?|swes?|sres?|sdes?|fdes?|consultants?|specialists?|recruiters?|executives?|representatives?|administrators?|technicians?|interns?|officers?|advocates?|writers?|ingenieur(in)?|ing[ée]nieur(e)?s?|ingenier[oa]s?|entwickler(in)?|d[ée]veloppeur(se)?s?|desarrollador(a|es)?|analyste?s?|analista?s?)\\b\\s*(i{1,3}|iv|\\d)?\\s*($|[(\\[/–—-]|\\b(of|for|in|at|to|on|with|en|de|für|who)\\b)" -%}
    {%- set levels_only = '^\\s*((senior|sr\\.?|staff\\+?|principal|lead|junior|jr\\.?|mid|mid-level|founding|entry-level|associate|distinguished)\\s*)+$' -%}
    {%- set plural_role = '\\b(engineers|developers|scientists|analysts|researchers)\\s*$' -%}
    (
        select
            case
                when first_role is null then listed
                when first_role = 1 and second_role is not null
                    then array_to_string(segments[1:second_role - 1], ', ')
                when first_role = 1 then listed
                when regexp_matches(segments[1], '{{ levels_only }}') then segments[first_role]
                when regexp_matches(segments[first_role], '{{ plural_role }}')
                    then segments[1] || ' ' || regexp_extract(segments[first_role], '{{ plural_role }}', 1)
                else listed
            end
        from (
            select
                listed,
                segments,
                first_role,
                first_role + nullif(list_position(list_transform(
                    segments[first_role + 1:], lambda segment: regexp_matches(segment, '{{ role_noun }}')
                ), true), 0) as second_role
            from (
                select
                    listed,
                    segments,
                    nullif(list_position(list_transform(
                        segments, lambda segment: regexp_matches(segment, '{{ role_noun }}')
                    ), true), 0) as first_role
                from (
                    select
                        listed,
                        regexp_split_to_array(listed, '{{ separator }}') as segments
                    from (
                        select regexp_replace(
                            lower({{ expression }}),
                            '\(\s*([^(),;]*?)\s*(,\s|;|\s&|\s\+|\band\b)[^()]*\)', '(\1)', 'g'
                        ) as listed
                    )
                )
            )
        )
    )
{%- endmacro %}
