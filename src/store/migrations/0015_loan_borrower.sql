-- Start-up loans to a small or micro enterprise (issue 15): the borrower
-- (个人 or 小微企业; NULL, as every loan before, is 个人) and the
-- enterprise's name. Their limits differ (settings employment.loan.max_*).
ALTER TABLE startup_loan ADD COLUMN borrower TEXT;
ALTER TABLE startup_loan ADD COLUMN enterprise TEXT;
