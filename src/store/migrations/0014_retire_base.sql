-- A woman's retirement base (issue 15): 工人 (50) or 干部 (55), on her
-- employment case and her household member record; NULL keeps the office's
-- setting (employment.retire.female.age). Men's is always 60.
ALTER TABLE employment_case ADD COLUMN retire_base TEXT;
ALTER TABLE household_member ADD COLUMN retire_base TEXT;
