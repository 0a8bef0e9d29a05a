-- LoanDesk schema (generated from app/models by scripts/dump_schema.py; do not edit by hand)

CREATE TABLE ab_group (
	id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	label VARCHAR(150), 
	description VARCHAR(512), 
	CONSTRAINT pk_ab_group PRIMARY KEY (id), 
	CONSTRAINT uq_ab_group_name UNIQUE (name)
);

CREATE TABLE ab_permission (
	id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	CONSTRAINT pk_ab_permission PRIMARY KEY (id), 
	CONSTRAINT uq_ab_permission_name UNIQUE (name)
);

CREATE TABLE ab_register_user (
	id INTEGER NOT NULL, 
	first_name VARCHAR(64) NOT NULL, 
	last_name VARCHAR(64) NOT NULL, 
	username VARCHAR(128) NOT NULL, 
	password VARCHAR(256), 
	email VARCHAR(320) NOT NULL, 
	registration_date TIMESTAMP WITHOUT TIME ZONE, 
	registration_hash VARCHAR(256), 
	CONSTRAINT pk_ab_register_user PRIMARY KEY (id), 
	CONSTRAINT uq_ab_register_user_username UNIQUE (username), 
	CONSTRAINT uq_ab_register_user_email UNIQUE (email)
);

CREATE TABLE ab_role (
	id INTEGER NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	CONSTRAINT pk_ab_role PRIMARY KEY (id), 
	CONSTRAINT uq_ab_role_name UNIQUE (name)
);

CREATE TABLE ab_user (
	id INTEGER NOT NULL, 
	first_name VARCHAR(64) NOT NULL, 
	last_name VARCHAR(64) NOT NULL, 
	username VARCHAR(128) NOT NULL, 
	password VARCHAR(256), 
	active BOOLEAN, 
	email VARCHAR(320) NOT NULL, 
	last_login TIMESTAMP WITHOUT TIME ZONE, 
	login_count INTEGER, 
	fail_login_count INTEGER, 
	created_on TIMESTAMP WITHOUT TIME ZONE, 
	changed_on TIMESTAMP WITHOUT TIME ZONE, 
	created_by_fk INTEGER, 
	changed_by_fk INTEGER, 
	CONSTRAINT pk_ab_user PRIMARY KEY (id), 
	CONSTRAINT uq_ab_user_username UNIQUE (username), 
	CONSTRAINT uq_ab_user_email UNIQUE (email), 
	CONSTRAINT fk_ab_user_created_by_fk_ab_user FOREIGN KEY(created_by_fk) REFERENCES ab_user (id), 
	CONSTRAINT fk_ab_user_changed_by_fk_ab_user FOREIGN KEY(changed_by_fk) REFERENCES ab_user (id)
);

CREATE TABLE ab_view_menu (
	id INTEGER NOT NULL, 
	name VARCHAR(250) NOT NULL, 
	CONSTRAINT pk_ab_view_menu PRIMARY KEY (id), 
	CONSTRAINT uq_ab_view_menu_name UNIQUE (name)
);

CREATE TABLE audit_log (
	id SERIAL NOT NULL, 
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	user_id INTEGER, 
	username VARCHAR(64), 
	action VARCHAR(32) NOT NULL CONSTRAINT ck_audit_log_action CHECK (action IN ('create', 'update', 'delete', 'login', 'login_failed', 'unmask', 'export', 'transition', 'permission')), 
	entity VARCHAR(64), 
	record_id VARCHAR(64), 
	changes JSON, 
	purpose VARCHAR(255), 
	ip VARCHAR(45), 
	CONSTRAINT pk_audit_log PRIMARY KEY (id)
);

CREATE INDEX ix_audit_log_action ON audit_log (action);

CREATE INDEX ix_audit_log_at ON audit_log (at);

CREATE INDEX ix_audit_log_entity_record ON audit_log (entity, record_id);

CREATE INDEX ix_audit_log_user_id ON audit_log (user_id);

CREATE TABLE branch (
	id SERIAL NOT NULL, 
	code VARCHAR(16) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	city VARCHAR(50), 
	address VARCHAR(255), 
	phone VARCHAR(30), 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_branch PRIMARY KEY (id), 
	CONSTRAINT uq_branch_code UNIQUE (code), 
	CONSTRAINT uq_branch_name UNIQUE (name)
);

CREATE INDEX ix_branch_created_at ON branch (created_at);

CREATE TABLE channel (
	id SERIAL NOT NULL, 
	code VARCHAR(32) NOT NULL, 
	name VARCHAR(120) NOT NULL, 
	kind VARCHAR(32) DEFAULT 'lead_source' NOT NULL CONSTRAINT ck_channel_kind CHECK (kind IN ('lead_source', 'agent')), 
	contact_name VARCHAR(64), 
	phone VARCHAR(30), 
	commission_basis VARCHAR(32) DEFAULT 'fee' NOT NULL CONSTRAINT ck_channel_commission_basis CHECK (commission_basis IN ('fee', 'disbursed')), 
	commission_rate NUMERIC(12, 6) DEFAULT '0' NOT NULL, 
	settle_days INTEGER DEFAULT '7' NOT NULL, 
	clawback_days INTEGER DEFAULT '90' NOT NULL, 
	active BOOLEAN DEFAULT '1' NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_channel PRIMARY KEY (id), 
	CONSTRAINT ck_channel_commission_rate CHECK (commission_rate >= 0 AND commission_rate <= 1), 
	CONSTRAINT ck_channel_settle_days CHECK (settle_days >= 0), 
	CONSTRAINT uq_channel_code UNIQUE (code), 
	CONSTRAINT uq_channel_name UNIQUE (name)
);

CREATE INDEX ix_channel_created_at ON channel (created_at);

CREATE TABLE contract_counter (
	id SERIAL NOT NULL, 
	kind VARCHAR(32) NOT NULL CONSTRAINT ck_contract_counter_kind CHECK (kind IN ('loan', 'service', 'credit_authorization')), 
	year INTEGER NOT NULL, 
	last_seq INTEGER NOT NULL, 
	CONSTRAINT pk_contract_counter PRIMARY KEY (id), 
	CONSTRAINT uq_contract_counter_kind_year UNIQUE (kind, year)
);

CREATE TABLE firm_setting (
	id SERIAL NOT NULL, 
	key VARCHAR(64) NOT NULL, 
	value TEXT, 
	description VARCHAR(255), 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_firm_setting PRIMARY KEY (id), 
	CONSTRAINT uq_firm_setting_key UNIQUE (key)
);

CREATE TABLE funder (
	id SERIAL NOT NULL, 
	name VARCHAR(120) NOT NULL, 
	kind VARCHAR(32) DEFAULT 'bank' NOT NULL CONSTRAINT ck_funder_kind CHECK (kind IN ('bank', 'consumer_finance', 'micro_lender', 'trust')), 
	licence_no VARCHAR(64), 
	credit_code VARCHAR(18), 
	contact_name VARCHAR(64), 
	phone VARCHAR(30), 
	address VARCHAR(255), 
	active BOOLEAN DEFAULT '1' NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_funder PRIMARY KEY (id), 
	CONSTRAINT uq_funder_name UNIQUE (name)
);

CREATE INDEX ix_funder_created_at ON funder (created_at);

CREATE TABLE job_run (
	id SERIAL NOT NULL, 
	job VARCHAR(32) NOT NULL, 
	run_date DATE NOT NULL, 
	state VARCHAR(32) DEFAULT 'running' NOT NULL CONSTRAINT ck_job_run_state CHECK (state IN ('running', 'done', 'failed')), 
	started_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	finished_at TIMESTAMP WITHOUT TIME ZONE, 
	last_key INTEGER NOT NULL, 
	stats TEXT, 
	CONSTRAINT pk_job_run PRIMARY KEY (id), 
	CONSTRAINT uq_job_run_job_run_date UNIQUE (job, run_date)
);

CREATE TABLE login_lockout (
	id SERIAL NOT NULL, 
	username VARCHAR(256) NOT NULL, 
	failures INTEGER NOT NULL, 
	last_failure_at TIMESTAMP WITHOUT TIME ZONE, 
	locked_until TIMESTAMP WITHOUT TIME ZONE, 
	CONSTRAINT pk_login_lockout PRIMARY KEY (id), 
	CONSTRAINT uq_login_lockout_username UNIQUE (username)
);

CREATE TABLE lpr_rate (
	id SERIAL NOT NULL, 
	effective_date DATE NOT NULL, 
	one_year_rate NUMERIC(12, 6) NOT NULL, 
	five_year_rate NUMERIC(12, 6), 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_lpr_rate PRIMARY KEY (id), 
	CONSTRAINT ck_lpr_rate_one_year_rate CHECK (one_year_rate > 0 AND one_year_rate < 1), 
	CONSTRAINT uq_lpr_rate_effective_date UNIQUE (effective_date)
);

CREATE TABLE repayment_method (
	id SERIAL NOT NULL, 
	code VARCHAR(32) NOT NULL CONSTRAINT ck_repayment_method_code CHECK (code IN ('equal_installment', 'equal_principal', 'interest_only', 'bullet')), 
	sort_order INTEGER NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_repayment_method PRIMARY KEY (id), 
	CONSTRAINT uq_repayment_method_code UNIQUE (code)
);

CREATE TABLE scorecard (
	id SERIAL NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	version INTEGER NOT NULL, 
	base_score INTEGER NOT NULL, 
	approve_min INTEGER NOT NULL, 
	reject_below INTEGER NOT NULL, 
	active BOOLEAN DEFAULT '1' NOT NULL, 
	note TEXT, 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_scorecard PRIMARY KEY (id), 
	CONSTRAINT uq_scorecard_name_version UNIQUE (name, version)
);

CREATE INDEX ix_scorecard_created_at ON scorecard (created_at);

CREATE TABLE ab_api_key (
	id INTEGER NOT NULL, 
	uuid VARCHAR(36) NOT NULL, 
	name VARCHAR(256) NOT NULL, 
	key_hash VARCHAR(256) NOT NULL, 
	lookup_hash VARCHAR(256), 
	key_prefix VARCHAR(16) NOT NULL, 
	user_id INTEGER NOT NULL, 
	scopes TEXT, 
	active BOOLEAN NOT NULL, 
	created_on TIMESTAMP WITHOUT TIME ZONE, 
	expires_on TIMESTAMP WITHOUT TIME ZONE, 
	revoked_on TIMESTAMP WITHOUT TIME ZONE, 
	last_used_on TIMESTAMP WITHOUT TIME ZONE, 
	CONSTRAINT pk_ab_api_key PRIMARY KEY (id), 
	CONSTRAINT uq_ab_api_key_uuid UNIQUE (uuid), 
	CONSTRAINT uq_ab_api_key_lookup_hash UNIQUE (lookup_hash), 
	CONSTRAINT fk_ab_api_key_user_id_ab_user FOREIGN KEY(user_id) REFERENCES ab_user (id) ON DELETE CASCADE
);

CREATE UNIQUE INDEX idx_api_key_lookup_hash ON ab_api_key (lookup_hash);

CREATE INDEX idx_api_key_prefix ON ab_api_key (key_prefix);

CREATE INDEX idx_api_key_user_id ON ab_api_key (user_id);

CREATE TABLE ab_group_role (
	id INTEGER NOT NULL, 
	group_id INTEGER, 
	role_id INTEGER, 
	CONSTRAINT pk_ab_group_role PRIMARY KEY (id), 
	CONSTRAINT uq_ab_group_role_group_id_role_id UNIQUE (group_id, role_id), 
	CONSTRAINT fk_ab_group_role_group_id_ab_group FOREIGN KEY(group_id) REFERENCES ab_group (id) ON DELETE CASCADE, 
	CONSTRAINT fk_ab_group_role_role_id_ab_role FOREIGN KEY(role_id) REFERENCES ab_role (id) ON DELETE CASCADE
);

CREATE INDEX idx_group_id ON ab_group_role (group_id);

CREATE INDEX idx_group_role_id ON ab_group_role (role_id);

CREATE TABLE ab_permission_view (
	id INTEGER NOT NULL, 
	permission_id INTEGER NOT NULL, 
	view_menu_id INTEGER NOT NULL, 
	CONSTRAINT pk_ab_permission_view PRIMARY KEY (id), 
	CONSTRAINT uq_ab_permission_view_permission_id_view_menu_id UNIQUE (permission_id, view_menu_id), 
	CONSTRAINT fk_ab_permission_view_permission_id_ab_permission FOREIGN KEY(permission_id) REFERENCES ab_permission (id), 
	CONSTRAINT fk_ab_permission_view_view_menu_id_ab_view_menu FOREIGN KEY(view_menu_id) REFERENCES ab_view_menu (id)
);

CREATE INDEX idx_permission_id ON ab_permission_view (permission_id);

CREATE INDEX idx_view_menu_id ON ab_permission_view (view_menu_id);

CREATE TABLE ab_user_group (
	id INTEGER NOT NULL, 
	user_id INTEGER, 
	group_id INTEGER, 
	CONSTRAINT pk_ab_user_group PRIMARY KEY (id), 
	CONSTRAINT uq_ab_user_group_user_id_group_id UNIQUE (user_id, group_id), 
	CONSTRAINT fk_ab_user_group_user_id_ab_user FOREIGN KEY(user_id) REFERENCES ab_user (id) ON DELETE CASCADE, 
	CONSTRAINT fk_ab_user_group_group_id_ab_group FOREIGN KEY(group_id) REFERENCES ab_group (id) ON DELETE CASCADE
);

CREATE INDEX idx_user_group_id ON ab_user_group (group_id);

CREATE INDEX idx_user_id ON ab_user_group (user_id);

CREATE TABLE ab_user_role (
	id INTEGER NOT NULL, 
	user_id INTEGER, 
	role_id INTEGER, 
	CONSTRAINT pk_ab_user_role PRIMARY KEY (id), 
	CONSTRAINT uq_ab_user_role_user_id_role_id UNIQUE (user_id, role_id), 
	CONSTRAINT fk_ab_user_role_user_id_ab_user FOREIGN KEY(user_id) REFERENCES ab_user (id) ON DELETE CASCADE, 
	CONSTRAINT fk_ab_user_role_role_id_ab_role FOREIGN KEY(role_id) REFERENCES ab_role (id) ON DELETE CASCADE
);

CREATE TABLE loan_product (
	id SERIAL NOT NULL, 
	funder_id INTEGER NOT NULL, 
	code VARCHAR(32) NOT NULL, 
	name VARCHAR(120) NOT NULL, 
	min_amount NUMERIC(18, 2) NOT NULL, 
	max_amount NUMERIC(18, 2) NOT NULL, 
	min_months INTEGER NOT NULL, 
	max_months INTEGER NOT NULL, 
	min_rate NUMERIC(12, 6) NOT NULL, 
	max_rate NUMERIC(12, 6) NOT NULL, 
	day_count VARCHAR(32) DEFAULT '30/360' NOT NULL CONSTRAINT ck_loan_product_day_count CHECK (day_count IN ('30/360', 'actual/360', 'actual/365')), 
	min_age INTEGER, 
	max_age INTEGER, 
	min_grade VARCHAR(1), 
	cities VARCHAR(255), 
	grace_months INTEGER DEFAULT '0' NOT NULL, 
	service_fee_rate NUMERIC(12, 6) DEFAULT '0' NOT NULL, 
	service_fee_fixed NUMERIC(18, 2) DEFAULT '0' NOT NULL, 
	fee_due VARCHAR(32) DEFAULT 'disbursement' NOT NULL CONSTRAINT ck_loan_product_fee_due CHECK (fee_due IN ('approval', 'disbursement')), 
	overdue_rate NUMERIC(12, 6) DEFAULT '0.18' NOT NULL, 
	allocation_order VARCHAR(64) DEFAULT 'penalty,fee,interest,principal' NOT NULL, 
	allocation_strategy VARCHAR(32) DEFAULT 'vertical' NOT NULL CONSTRAINT ck_loan_product_allocation_strategy CHECK (allocation_strategy IN ('vertical', 'horizontal')), 
	settlement_interest VARCHAR(32) DEFAULT 'to_date' NOT NULL CONSTRAINT ck_loan_product_settlement_interest CHECK (settlement_interest IN ('to_date', 'full_period')), 
	description TEXT, 
	active BOOLEAN DEFAULT '1' NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_loan_product PRIMARY KEY (id), 
	CONSTRAINT ck_loan_product_amount_range CHECK (min_amount > 0 AND max_amount >= min_amount), 
	CONSTRAINT ck_loan_product_term_range CHECK (min_months >= 1 AND max_months <= 360 AND max_months >= min_months), 
	CONSTRAINT ck_loan_product_rate_range CHECK (min_rate >= 0 AND max_rate >= min_rate), 
	CONSTRAINT ck_loan_product_service_fee_rate_non_negative CHECK (service_fee_rate >= 0), 
	CONSTRAINT ck_loan_product_service_fee_fixed_non_negative CHECK (service_fee_fixed >= 0), 
	CONSTRAINT ck_loan_product_overdue_rate_non_negative CHECK (overdue_rate >= 0), 
	CONSTRAINT fk_loan_product_funder_id_funder FOREIGN KEY(funder_id) REFERENCES funder (id), 
	CONSTRAINT uq_loan_product_code UNIQUE (code)
);

CREATE INDEX ix_loan_product_active ON loan_product (active);

CREATE INDEX ix_loan_product_created_at ON loan_product (created_at);

CREATE INDEX ix_loan_product_funder_id ON loan_product (funder_id);

CREATE TABLE score_factor (
	id SERIAL NOT NULL, 
	scorecard_id INTEGER NOT NULL, 
	code VARCHAR(48) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	sort_order INTEGER NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_score_factor PRIMARY KEY (id), 
	CONSTRAINT uq_score_factor_scorecard_id_code UNIQUE (scorecard_id, code), 
	CONSTRAINT fk_score_factor_scorecard_id_scorecard FOREIGN KEY(scorecard_id) REFERENCES scorecard (id)
);

CREATE TABLE score_grade (
	id SERIAL NOT NULL, 
	scorecard_id INTEGER NOT NULL, 
	grade VARCHAR(1) NOT NULL, 
	min_score INTEGER NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_score_grade PRIMARY KEY (id), 
	CONSTRAINT uq_score_grade_scorecard_id_grade UNIQUE (scorecard_id, grade), 
	CONSTRAINT fk_score_grade_scorecard_id_scorecard FOREIGN KEY(scorecard_id) REFERENCES scorecard (id)
);

CREATE TABLE team (
	id SERIAL NOT NULL, 
	branch_id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	leader_id INTEGER, 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_team PRIMARY KEY (id), 
	CONSTRAINT uq_team_branch_id_name UNIQUE (branch_id, name), 
	CONSTRAINT fk_team_branch_id_branch FOREIGN KEY(branch_id) REFERENCES branch (id)
);

CREATE INDEX ix_team_branch_id ON team (branch_id);

CREATE INDEX ix_team_created_at ON team (created_at);

CREATE TABLE user_setting (
	id SERIAL NOT NULL, 
	user_id INTEGER NOT NULL, 
	locale VARCHAR(16), 
	CONSTRAINT pk_user_setting PRIMARY KEY (id), 
	CONSTRAINT uq_user_setting_user_id UNIQUE (user_id), 
	CONSTRAINT fk_user_setting_user_id_ab_user FOREIGN KEY(user_id) REFERENCES ab_user (id) ON DELETE CASCADE
);

CREATE TABLE ab_permission_view_role (
	id INTEGER NOT NULL, 
	permission_view_id INTEGER, 
	role_id INTEGER, 
	CONSTRAINT pk_ab_permission_view_role PRIMARY KEY (id), 
	CONSTRAINT uq_ab_permission_view_role_permission_view_id_role_id UNIQUE (permission_view_id, role_id), 
	CONSTRAINT fk_ab_permission_view_role_permission_view_id_ab_permis_e242 FOREIGN KEY(permission_view_id) REFERENCES ab_permission_view (id) ON DELETE CASCADE, 
	CONSTRAINT fk_ab_permission_view_role_role_id_ab_role FOREIGN KEY(role_id) REFERENCES ab_role (id) ON DELETE CASCADE
);

CREATE INDEX idx_permission_view_id ON ab_permission_view_role (permission_view_id);

CREATE INDEX idx_role_id ON ab_permission_view_role (role_id);

CREATE TABLE product_method (
	product_id INTEGER NOT NULL, 
	method_id INTEGER NOT NULL, 
	CONSTRAINT pk_product_method PRIMARY KEY (product_id, method_id), 
	CONSTRAINT fk_product_method_product_id_loan_product FOREIGN KEY(product_id) REFERENCES loan_product (id) ON DELETE CASCADE, 
	CONSTRAINT fk_product_method_method_id_repayment_method FOREIGN KEY(method_id) REFERENCES repayment_method (id)
);

CREATE TABLE score_bin (
	id SERIAL NOT NULL, 
	factor_id INTEGER NOT NULL, 
	lower_bound NUMERIC(12, 6), 
	upper_bound NUMERIC(12, 6), 
	points INTEGER NOT NULL, 
	reason VARCHAR(120), 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_score_bin PRIMARY KEY (id), 
	CONSTRAINT ck_score_bin_bounds CHECK (lower_bound IS NULL OR upper_bound IS NULL OR upper_bound > lower_bound), 
	CONSTRAINT fk_score_bin_factor_id_score_factor FOREIGN KEY(factor_id) REFERENCES score_factor (id)
);

CREATE INDEX ix_score_bin_factor_id ON score_bin (factor_id);

CREATE TABLE staff (
	id SERIAL NOT NULL, 
	user_id INTEGER, 
	branch_id INTEGER NOT NULL, 
	team_id INTEGER, 
	full_name VARCHAR(64) NOT NULL, 
	employee_no VARCHAR(32), 
	title VARCHAR(64), 
	phone VARCHAR(30), 
	email VARCHAR(120), 
	active BOOLEAN DEFAULT '1' NOT NULL, 
	commission_basis VARCHAR(32) DEFAULT 'fee' NOT NULL CONSTRAINT ck_staff_commission_basis CHECK (commission_basis IN ('fee', 'disbursed')), 
	commission_rate NUMERIC(12, 6) DEFAULT '0' NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_staff PRIMARY KEY (id), 
	CONSTRAINT ck_staff_commission_rate CHECK (commission_rate >= 0 AND commission_rate <= 1), 
	CONSTRAINT uq_staff_user_id UNIQUE (user_id), 
	CONSTRAINT fk_staff_user_id_ab_user FOREIGN KEY(user_id) REFERENCES ab_user (id), 
	CONSTRAINT fk_staff_branch_id_branch FOREIGN KEY(branch_id) REFERENCES branch (id), 
	CONSTRAINT fk_staff_team_id_team FOREIGN KEY(team_id) REFERENCES team (id), 
	CONSTRAINT uq_staff_employee_no UNIQUE (employee_no)
);

CREATE INDEX ix_staff_branch_id ON staff (branch_id);

CREATE INDEX ix_staff_created_at ON staff (created_at);

CREATE INDEX ix_staff_full_name ON staff (full_name);

CREATE INDEX ix_staff_team_id ON staff (team_id);

CREATE TABLE commission_batch (
	id SERIAL NOT NULL, 
	number VARCHAR(32) NOT NULL, 
	state VARCHAR(32) DEFAULT 'draft' NOT NULL CONSTRAINT ck_commission_batch_state CHECK (state IN ('draft', 'confirmed')), 
	total NUMERIC(18, 2) NOT NULL, 
	payable_until DATE NOT NULL, 
	created_by_id INTEGER, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	confirmed_by_id INTEGER, 
	confirmed_at TIMESTAMP WITHOUT TIME ZONE, 
	paid_on DATE, 
	CONSTRAINT pk_commission_batch PRIMARY KEY (id), 
	CONSTRAINT ck_commission_batch_total_non_negative CHECK (total >= 0), 
	CONSTRAINT uq_commission_batch_number UNIQUE (number), 
	CONSTRAINT fk_commission_batch_created_by_id_staff FOREIGN KEY(created_by_id) REFERENCES staff (id), 
	CONSTRAINT fk_commission_batch_confirmed_by_id_staff FOREIGN KEY(confirmed_by_id) REFERENCES staff (id)
);

CREATE TABLE contract_template (
	id SERIAL NOT NULL, 
	kind VARCHAR(32) NOT NULL CONSTRAINT ck_contract_template_kind CHECK (kind IN ('loan', 'service', 'credit_authorization')), 
	version INTEGER NOT NULL, 
	body TEXT NOT NULL, 
	active BOOLEAN NOT NULL, 
	uploaded_by_id INTEGER, 
	note VARCHAR(255), 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_contract_template PRIMARY KEY (id), 
	CONSTRAINT uq_contract_template_kind_version UNIQUE (kind, version), 
	CONSTRAINT fk_contract_template_uploaded_by_id_staff FOREIGN KEY(uploaded_by_id) REFERENCES staff (id)
);

CREATE INDEX ix_contract_template_created_at ON contract_template (created_at);

CREATE TABLE customer (
	id SERIAL NOT NULL, 
	kind VARCHAR(32) DEFAULT 'person' NOT NULL CONSTRAINT ck_customer_kind CHECK (kind IN ('person', 'enterprise')), 
	name VARCHAR(100) NOT NULL, 
	id_number VARCHAR(255), 
	id_number_hash VARCHAR(64), 
	credit_code VARCHAR(18), 
	phone VARCHAR(255) NOT NULL, 
	phone_hash VARCHAR(64) NOT NULL, 
	bank_name VARCHAR(64), 
	bank_card VARCHAR(255), 
	email VARCHAR(120), 
	gender VARCHAR(1) CONSTRAINT ck_customer_gender CHECK (gender IN ('M', 'F')), 
	birth_date DATE, 
	city VARCHAR(50), 
	address VARCHAR(255), 
	employer VARCHAR(120), 
	occupation VARCHAR(64), 
	monthly_income NUMERIC(18, 2), 
	monthly_debt_payment NUMERIC(18, 2), 
	years_employed INTEGER, 
	has_property BOOLEAN DEFAULT '0' NOT NULL, 
	has_car BOOLEAN DEFAULT '0' NOT NULL, 
	social_insurance_months INTEGER DEFAULT '0' NOT NULL, 
	housing_fund_months INTEGER DEFAULT '0' NOT NULL, 
	has_insurance_policy BOOLEAN DEFAULT '0' NOT NULL, 
	has_business_licence BOOLEAN DEFAULT '0' NOT NULL, 
	business_age_years INTEGER, 
	credit_report_status VARCHAR(32) DEFAULT 'none' NOT NULL CONSTRAINT ck_customer_credit_report_status CHECK (credit_report_status IN ('none', 'clean', 'minor', 'serious')), 
	overdue_count_24m INTEGER DEFAULT '0' NOT NULL, 
	inquiries_6m INTEGER DEFAULT '0' NOT NULL, 
	existing_loans INTEGER DEFAULT '0' NOT NULL, 
	status VARCHAR(32) DEFAULT 'lead' NOT NULL CONSTRAINT ck_customer_status CHECK (status IN ('lead', 'active', 'blacklisted')), 
	blacklist_reason VARCHAR(255), 
	channel_id INTEGER, 
	last_followup_at TIMESTAMP WITHOUT TIME ZONE, 
	note TEXT, 
	owner_id INTEGER, 
	team_id INTEGER, 
	branch_id INTEGER, 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_customer PRIMARY KEY (id), 
	CONSTRAINT ck_customer_monthly_income_non_negative CHECK (monthly_income >= 0), 
	CONSTRAINT ck_customer_social_insurance_months CHECK (social_insurance_months >= 0), 
	CONSTRAINT ck_customer_housing_fund_months CHECK (housing_fund_months >= 0), 
	CONSTRAINT ck_customer_identity_present CHECK ((kind = 'person' AND id_number IS NOT NULL) OR (kind = 'enterprise' AND credit_code IS NOT NULL)), 
	CONSTRAINT uq_customer_id_number_hash UNIQUE (id_number_hash), 
	CONSTRAINT uq_customer_credit_code UNIQUE (credit_code), 
	CONSTRAINT uq_customer_phone_hash UNIQUE (phone_hash), 
	CONSTRAINT fk_customer_channel_id_channel FOREIGN KEY(channel_id) REFERENCES channel (id), 
	CONSTRAINT fk_customer_owner_id_staff FOREIGN KEY(owner_id) REFERENCES staff (id), 
	CONSTRAINT fk_customer_team_id_team FOREIGN KEY(team_id) REFERENCES team (id), 
	CONSTRAINT fk_customer_branch_id_branch FOREIGN KEY(branch_id) REFERENCES branch (id)
);

CREATE INDEX ix_customer_branch_id ON customer (branch_id);

CREATE INDEX ix_customer_channel_id ON customer (channel_id);

CREATE INDEX ix_customer_city ON customer (city);

CREATE INDEX ix_customer_created_at ON customer (created_at);

CREATE INDEX ix_customer_last_followup_at ON customer (last_followup_at);

CREATE INDEX ix_customer_name ON customer (name);

CREATE INDEX ix_customer_owner_id ON customer (owner_id);

CREATE INDEX ix_customer_status ON customer (status);

CREATE INDEX ix_customer_status_created ON customer (status, created_at);

CREATE INDEX ix_customer_team_id ON customer (team_id);

CREATE TABLE portfolio_snapshot (
	id SERIAL NOT NULL, 
	month VARCHAR(7) NOT NULL, 
	as_of DATE NOT NULL, 
	product_id INTEGER, 
	funder_id INTEGER, 
	loans INTEGER NOT NULL, 
	outstanding NUMERIC(18, 2) NOT NULL, 
	overdue_loans INTEGER NOT NULL, 
	overdue_principal NUMERIC(18, 2) NOT NULL, 
	par30_principal NUMERIC(18, 2) NOT NULL, 
	owner_id INTEGER, 
	team_id INTEGER, 
	branch_id INTEGER, 
	CONSTRAINT pk_portfolio_snapshot PRIMARY KEY (id), 
	CONSTRAINT ck_portfolio_snapshot_outstanding_non_negative CHECK (outstanding >= 0), 
	CONSTRAINT ck_portfolio_snapshot_overdue_principal_non_negative CHECK (overdue_principal >= 0), 
	CONSTRAINT fk_portfolio_snapshot_product_id_loan_product FOREIGN KEY(product_id) REFERENCES loan_product (id), 
	CONSTRAINT fk_portfolio_snapshot_funder_id_funder FOREIGN KEY(funder_id) REFERENCES funder (id), 
	CONSTRAINT fk_portfolio_snapshot_owner_id_staff FOREIGN KEY(owner_id) REFERENCES staff (id), 
	CONSTRAINT fk_portfolio_snapshot_team_id_team FOREIGN KEY(team_id) REFERENCES team (id), 
	CONSTRAINT fk_portfolio_snapshot_branch_id_branch FOREIGN KEY(branch_id) REFERENCES branch (id)
);

CREATE INDEX ix_portfolio_snapshot_branch_id ON portfolio_snapshot (branch_id);

CREATE INDEX ix_portfolio_snapshot_month ON portfolio_snapshot (month);

CREATE INDEX ix_portfolio_snapshot_owner_id ON portfolio_snapshot (owner_id);

CREATE INDEX ix_portfolio_snapshot_team_id ON portfolio_snapshot (team_id);

CREATE TABLE application (
	id SERIAL NOT NULL, 
	number VARCHAR(32) NOT NULL, 
	customer_id INTEGER NOT NULL, 
	product_id INTEGER, 
	channel_id INTEGER, 
	amount NUMERIC(18, 2) NOT NULL, 
	months INTEGER NOT NULL, 
	method VARCHAR(32) CONSTRAINT ck_application_method CHECK (method IN ('equal_installment', 'equal_principal', 'interest_only', 'bullet')), 
	purpose VARCHAR(255) NOT NULL, 
	state VARCHAR(32) DEFAULT 'draft' NOT NULL CONSTRAINT ck_application_state CHECK (state IN ('draft', 'submitted', 'scoring', 'under_review', 'approved', 'rejected', 'withdrawn', 'contracted', 'disbursed', 'repaying', 'settled', 'overdue', 'written_off')), 
	reviewer_id INTEGER, 
	submitted_at TIMESTAMP WITHOUT TIME ZONE, 
	decided_at TIMESTAMP WITHOUT TIME ZONE, 
	note TEXT, 
	owner_id INTEGER, 
	team_id INTEGER, 
	branch_id INTEGER, 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_application PRIMARY KEY (id), 
	CONSTRAINT ck_application_amount_positive CHECK (amount > 0), 
	CONSTRAINT ck_application_months_range CHECK (months BETWEEN 1 AND 360), 
	CONSTRAINT uq_application_number UNIQUE (number), 
	CONSTRAINT fk_application_customer_id_customer FOREIGN KEY(customer_id) REFERENCES customer (id), 
	CONSTRAINT fk_application_product_id_loan_product FOREIGN KEY(product_id) REFERENCES loan_product (id), 
	CONSTRAINT fk_application_channel_id_channel FOREIGN KEY(channel_id) REFERENCES channel (id), 
	CONSTRAINT fk_application_reviewer_id_staff FOREIGN KEY(reviewer_id) REFERENCES staff (id), 
	CONSTRAINT fk_application_owner_id_staff FOREIGN KEY(owner_id) REFERENCES staff (id), 
	CONSTRAINT fk_application_team_id_team FOREIGN KEY(team_id) REFERENCES team (id), 
	CONSTRAINT fk_application_branch_id_branch FOREIGN KEY(branch_id) REFERENCES branch (id)
);

CREATE INDEX ix_application_branch_id ON application (branch_id) INCLUDE (id);

CREATE INDEX ix_application_channel_id ON application (channel_id);

CREATE INDEX ix_application_created_at ON application (created_at) INCLUDE (state, submitted_at, decided_at, channel_id, product_id, owner_id, team_id, branch_id);

CREATE INDEX ix_application_customer_id ON application (customer_id);

CREATE INDEX ix_application_owner_id ON application (owner_id) INCLUDE (id);

CREATE INDEX ix_application_product_id ON application (product_id);

CREATE INDEX ix_application_reviewer_state ON application (reviewer_id, state);

CREATE INDEX ix_application_state_created ON application (state, created_at);

CREATE INDEX ix_application_submitted_at ON application (submitted_at);

CREATE INDEX ix_application_team_id ON application (team_id) INCLUDE (id);

CREATE UNIQUE INDEX uq_application_customer_in_progress ON application (customer_id) WHERE state IN ('draft', 'submitted', 'scoring', 'under_review', 'approved', 'contracted');

CREATE TABLE contact (
	id SERIAL NOT NULL, 
	customer_id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	relation VARCHAR(32), 
	phone VARCHAR(255), 
	note VARCHAR(255), 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_contact PRIMARY KEY (id), 
	CONSTRAINT fk_contact_customer_id_customer FOREIGN KEY(customer_id) REFERENCES customer (id)
);

CREATE INDEX ix_contact_created_at ON contact (created_at);

CREATE INDEX ix_contact_customer_id ON contact (customer_id);

CREATE TABLE credit_assessment (
	id SERIAL NOT NULL, 
	application_id INTEGER NOT NULL, 
	scorecard_id INTEGER NOT NULL, 
	score INTEGER NOT NULL, 
	grade VARCHAR(1) NOT NULL, 
	recommendation VARCHAR(32) NOT NULL CONSTRAINT ck_credit_assessment_recommendation CHECK (recommendation IN ('approve', 'review', 'reject')), 
	inputs JSON, 
	hard_rules JSON, 
	assessed_by_id INTEGER, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	CONSTRAINT pk_credit_assessment PRIMARY KEY (id), 
	CONSTRAINT ck_credit_assessment_grade CHECK (grade IN ('A','B','C','D','E')), 
	CONSTRAINT fk_credit_assessment_application_id_application FOREIGN KEY(application_id) REFERENCES application (id), 
	CONSTRAINT fk_credit_assessment_scorecard_id_scorecard FOREIGN KEY(scorecard_id) REFERENCES scorecard (id), 
	CONSTRAINT fk_credit_assessment_assessed_by_id_staff FOREIGN KEY(assessed_by_id) REFERENCES staff (id)
);

CREATE INDEX ix_credit_assessment_application_id ON credit_assessment (application_id);

CREATE TABLE decision (
	id SERIAL NOT NULL, 
	application_id INTEGER NOT NULL, 
	reviewer_id INTEGER, 
	outcome VARCHAR(32) NOT NULL CONSTRAINT ck_decision_outcome CHECK (outcome IN ('approve', 'reject', 'return')), 
	approved_amount NUMERIC(18, 2), 
	approved_months INTEGER, 
	approved_rate NUMERIC(12, 6), 
	method VARCHAR(32) CONSTRAINT ck_decision_method CHECK (method IN ('equal_installment', 'equal_principal', 'interest_only', 'bullet')), 
	conditions TEXT, 
	reason_code VARCHAR(48), 
	note TEXT, 
	decided_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	CONSTRAINT pk_decision PRIMARY KEY (id), 
	CONSTRAINT ck_decision_approved_amount CHECK (approved_amount IS NULL OR approved_amount > 0), 
	CONSTRAINT ck_decision_approved_months CHECK (approved_months IS NULL OR approved_months BETWEEN 1 AND 360), 
	CONSTRAINT ck_decision_approved_rate CHECK (approved_rate IS NULL OR approved_rate >= 0), 
	CONSTRAINT fk_decision_application_id_application FOREIGN KEY(application_id) REFERENCES application (id), 
	CONSTRAINT fk_decision_reviewer_id_staff FOREIGN KEY(reviewer_id) REFERENCES staff (id)
);

CREATE INDEX ix_decision_application_id ON decision (application_id);

CREATE INDEX ix_decision_decided_at ON decision (decided_at);

CREATE INDEX ix_decision_reviewer_id ON decision (reviewer_id);

CREATE TABLE document (
	id SERIAL NOT NULL, 
	customer_id INTEGER NOT NULL, 
	application_id INTEGER, 
	kind VARCHAR(32) DEFAULT 'other' NOT NULL CONSTRAINT ck_document_kind CHECK (kind IN ('id_card', 'income_proof', 'bank_statement', 'credit_report', 'property', 'business_licence', 'signed_contract', 'consent', 'other')), 
	original_name VARCHAR(255) NOT NULL, 
	stored_name VARCHAR(80) NOT NULL, 
	content_type VARCHAR(64) NOT NULL, 
	size_bytes BIGINT NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	uploaded_by_id INTEGER, 
	uploaded_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	CONSTRAINT pk_document PRIMARY KEY (id), 
	CONSTRAINT ck_document_size_bytes CHECK (size_bytes >= 0), 
	CONSTRAINT fk_document_customer_id_customer FOREIGN KEY(customer_id) REFERENCES customer (id), 
	CONSTRAINT fk_document_application_id_application FOREIGN KEY(application_id) REFERENCES application (id), 
	CONSTRAINT uq_document_stored_name UNIQUE (stored_name), 
	CONSTRAINT fk_document_uploaded_by_id_staff FOREIGN KEY(uploaded_by_id) REFERENCES staff (id)
);

CREATE INDEX ix_document_application_id ON document (application_id);

CREATE INDEX ix_document_customer_id ON document (customer_id);

CREATE INDEX ix_document_sha256 ON document (sha256);

CREATE TABLE loan (
	id SERIAL NOT NULL, 
	number VARCHAR(32) NOT NULL, 
	application_id INTEGER, 
	customer_id INTEGER NOT NULL, 
	product_id INTEGER NOT NULL, 
	funder_id INTEGER NOT NULL, 
	channel_id INTEGER, 
	principal NUMERIC(18, 2) NOT NULL, 
	annual_rate NUMERIC(12, 6) NOT NULL, 
	apr NUMERIC(12, 6), 
	months INTEGER NOT NULL, 
	method VARCHAR(32) NOT NULL CONSTRAINT ck_loan_method CHECK (method IN ('equal_installment', 'equal_principal', 'interest_only', 'bullet')), 
	day_count VARCHAR(32) DEFAULT '30/360' NOT NULL CONSTRAINT ck_loan_day_count CHECK (day_count IN ('30/360', 'actual/360', 'actual/365')), 
	grace_months INTEGER DEFAULT '0' NOT NULL, 
	overdue_rate NUMERIC(12, 6) NOT NULL, 
	start_date DATE NOT NULL, 
	first_due_date DATE, 
	disbursed_on DATE, 
	disbursed_amount NUMERIC(18, 2), 
	funder_reference VARCHAR(64), 
	state VARCHAR(32) DEFAULT 'pending' NOT NULL CONSTRAINT ck_loan_state CHECK (state IN ('pending', 'active', 'overdue', 'settled', 'written_off')), 
	outstanding_principal NUMERIC(18, 2) NOT NULL, 
	customer_credit NUMERIC(18, 2) DEFAULT '0' NOT NULL, 
	days_past_due INTEGER DEFAULT '0' NOT NULL, 
	settled_on DATE, 
	allocation_order VARCHAR(64) DEFAULT 'penalty,fee,interest,principal' NOT NULL, 
	allocation_strategy VARCHAR(32) DEFAULT 'vertical' NOT NULL CONSTRAINT ck_loan_allocation_strategy CHECK (allocation_strategy IN ('vertical', 'horizontal')), 
	settlement_interest VARCHAR(32) DEFAULT 'to_date' NOT NULL CONSTRAINT ck_loan_settlement_interest CHECK (settlement_interest IN ('to_date', 'full_period')), 
	owner_id INTEGER, 
	team_id INTEGER, 
	branch_id INTEGER, 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	CONSTRAINT pk_loan PRIMARY KEY (id), 
	CONSTRAINT ck_loan_principal_positive CHECK (principal > 0), 
	CONSTRAINT ck_loan_annual_rate_non_negative CHECK (annual_rate >= 0), 
	CONSTRAINT ck_loan_overdue_rate_non_negative CHECK (overdue_rate >= 0), 
	CONSTRAINT ck_loan_months_range CHECK (months BETWEEN 1 AND 360), 
	CONSTRAINT ck_loan_grace_months CHECK (grace_months >= 0 AND grace_months < months), 
	CONSTRAINT ck_loan_disbursed_amount CHECK (disbursed_amount IS NULL OR disbursed_amount > 0), 
	CONSTRAINT uq_loan_number UNIQUE (number), 
	CONSTRAINT uq_loan_application_id UNIQUE (application_id), 
	CONSTRAINT fk_loan_application_id_application FOREIGN KEY(application_id) REFERENCES application (id), 
	CONSTRAINT fk_loan_customer_id_customer FOREIGN KEY(customer_id) REFERENCES customer (id), 
	CONSTRAINT fk_loan_product_id_loan_product FOREIGN KEY(product_id) REFERENCES loan_product (id), 
	CONSTRAINT fk_loan_funder_id_funder FOREIGN KEY(funder_id) REFERENCES funder (id), 
	CONSTRAINT fk_loan_channel_id_channel FOREIGN KEY(channel_id) REFERENCES channel (id), 
	CONSTRAINT fk_loan_owner_id_staff FOREIGN KEY(owner_id) REFERENCES staff (id), 
	CONSTRAINT fk_loan_team_id_team FOREIGN KEY(team_id) REFERENCES team (id), 
	CONSTRAINT fk_loan_branch_id_branch FOREIGN KEY(branch_id) REFERENCES branch (id)
);

CREATE INDEX ix_loan_branch_id ON loan (branch_id) INCLUDE (id);

CREATE INDEX ix_loan_channel_id ON loan (channel_id) INCLUDE (id);

CREATE INDEX ix_loan_created_at ON loan (created_at);

CREATE INDEX ix_loan_customer_id ON loan (customer_id);

CREATE INDEX ix_loan_days_past_due ON loan (days_past_due);

CREATE INDEX ix_loan_disbursed_on ON loan (disbursed_on) INCLUDE (state, disbursed_amount, principal, product_id, funder_id, channel_id, owner_id, team_id, branch_id);

CREATE INDEX ix_loan_funder_id ON loan (funder_id) INCLUDE (id);

CREATE INDEX ix_loan_open_dpd ON loan (days_past_due) INCLUDE (outstanding_principal, branch_id, team_id, owner_id) WHERE state IN ('active', 'overdue');

CREATE INDEX ix_loan_owner_id ON loan (owner_id) INCLUDE (id);

CREATE INDEX ix_loan_product_id ON loan (product_id) INCLUDE (id);

CREATE INDEX ix_loan_state ON loan (state);

CREATE INDEX ix_loan_state_disbursed ON loan (state, disbursed_on);

CREATE INDEX ix_loan_state_settled ON loan (state, settled_on);

CREATE INDEX ix_loan_team_id ON loan (team_id) INCLUDE (id);

CREATE TABLE assessment_factor (
	id SERIAL NOT NULL, 
	assessment_id INTEGER NOT NULL, 
	factor_code VARCHAR(48) NOT NULL, 
	value VARCHAR(64), 
	points INTEGER NOT NULL, 
	reason VARCHAR(255), 
	CONSTRAINT pk_assessment_factor PRIMARY KEY (id), 
	CONSTRAINT fk_assessment_factor_assessment_id_credit_assessment FOREIGN KEY(assessment_id) REFERENCES credit_assessment (id)
);

CREATE INDEX ix_assessment_factor_assessment_id ON assessment_factor (assessment_id);

CREATE TABLE consent (
	id SERIAL NOT NULL, 
	customer_id INTEGER NOT NULL, 
	scope VARCHAR(32) NOT NULL CONSTRAINT ck_consent_scope CHECK (scope IN ('sensitive_data', 'credit_query')), 
	purpose VARCHAR(255) NOT NULL, 
	granted_on DATE NOT NULL, 
	expires_on DATE, 
	revoked_on DATE, 
	document_id INTEGER, 
	recorded_by_id INTEGER, 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_consent PRIMARY KEY (id), 
	CONSTRAINT fk_consent_customer_id_customer FOREIGN KEY(customer_id) REFERENCES customer (id), 
	CONSTRAINT fk_consent_document_id_document FOREIGN KEY(document_id) REFERENCES document (id), 
	CONSTRAINT fk_consent_recorded_by_id_staff FOREIGN KEY(recorded_by_id) REFERENCES staff (id)
);

CREATE INDEX ix_consent_customer_scope ON consent (customer_id, scope);

CREATE TABLE contract (
	id SERIAL NOT NULL, 
	kind VARCHAR(32) NOT NULL CONSTRAINT ck_contract_kind CHECK (kind IN ('loan', 'service', 'credit_authorization')), 
	number VARCHAR(32) NOT NULL, 
	year INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	state VARCHAR(32) DEFAULT 'draft' NOT NULL CONSTRAINT ck_contract_state CHECK (state IN ('draft', 'issued', 'signed', 'settled', 'void')), 
	customer_id INTEGER NOT NULL, 
	loan_id INTEGER, 
	application_id INTEGER, 
	supersedes_id INTEGER, 
	pdf_stored_name VARCHAR(80), 
	sha256 VARCHAR(64), 
	issued_at TIMESTAMP WITHOUT TIME ZONE, 
	signed_at TIMESTAMP WITHOUT TIME ZONE, 
	signed_document_id INTEGER, 
	void_reason TEXT, 
	owner_id INTEGER, 
	team_id INTEGER, 
	branch_id INTEGER, 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	CONSTRAINT pk_contract PRIMARY KEY (id), 
	CONSTRAINT uq_contract_kind_year_seq_version UNIQUE (kind, year, seq, version), 
	CONSTRAINT ck_contract_seq CHECK (seq >= 1), 
	CONSTRAINT ck_contract_version CHECK (version >= 1), 
	CONSTRAINT uq_contract_number UNIQUE (number), 
	CONSTRAINT fk_contract_customer_id_customer FOREIGN KEY(customer_id) REFERENCES customer (id), 
	CONSTRAINT fk_contract_loan_id_loan FOREIGN KEY(loan_id) REFERENCES loan (id), 
	CONSTRAINT fk_contract_application_id_application FOREIGN KEY(application_id) REFERENCES application (id), 
	CONSTRAINT fk_contract_supersedes_id_contract FOREIGN KEY(supersedes_id) REFERENCES contract (id), 
	CONSTRAINT fk_contract_signed_document_id_document FOREIGN KEY(signed_document_id) REFERENCES document (id), 
	CONSTRAINT fk_contract_owner_id_staff FOREIGN KEY(owner_id) REFERENCES staff (id), 
	CONSTRAINT fk_contract_team_id_team FOREIGN KEY(team_id) REFERENCES team (id), 
	CONSTRAINT fk_contract_branch_id_branch FOREIGN KEY(branch_id) REFERENCES branch (id)
);

CREATE INDEX ix_contract_application_id ON contract (application_id);

CREATE INDEX ix_contract_branch_id ON contract (branch_id);

CREATE INDEX ix_contract_created_at ON contract (created_at);

CREATE INDEX ix_contract_customer_id ON contract (customer_id);

CREATE INDEX ix_contract_loan_id ON contract (loan_id);

CREATE INDEX ix_contract_owner_id ON contract (owner_id);

CREATE INDEX ix_contract_state_created ON contract (state, created_at);

CREATE INDEX ix_contract_team_id ON contract (team_id);

CREATE TABLE installment (
	id SERIAL NOT NULL, 
	loan_id INTEGER NOT NULL, 
	n INTEGER NOT NULL, 
	due_date DATE NOT NULL, 
	principal NUMERIC(18, 2) NOT NULL, 
	interest NUMERIC(18, 2) NOT NULL, 
	fee NUMERIC(18, 2) NOT NULL, 
	penalty NUMERIC(18, 2) NOT NULL, 
	paid_principal NUMERIC(18, 2) NOT NULL, 
	paid_interest NUMERIC(18, 2) NOT NULL, 
	paid_fee NUMERIC(18, 2) NOT NULL, 
	paid_penalty NUMERIC(18, 2) NOT NULL, 
	state VARCHAR(32) DEFAULT 'due' NOT NULL CONSTRAINT ck_installment_state CHECK (state IN ('due', 'partial', 'paid', 'overdue', 'written_off', 'cancelled')), 
	days_past_due INTEGER DEFAULT '0' NOT NULL, 
	max_dpd INTEGER DEFAULT '0' NOT NULL, 
	paid_on DATE, 
	CONSTRAINT pk_installment PRIMARY KEY (id), 
	CONSTRAINT uq_installment_loan_id_n UNIQUE (loan_id, n), 
	CONSTRAINT ck_installment_n_positive CHECK (n >= 1), 
	CONSTRAINT ck_installment_principal_non_negative CHECK (principal >= 0), 
	CONSTRAINT ck_installment_interest_non_negative CHECK (interest >= 0), 
	CONSTRAINT ck_installment_fee_non_negative CHECK (fee >= 0), 
	CONSTRAINT ck_installment_penalty_non_negative CHECK (penalty >= 0), 
	CONSTRAINT ck_installment_paid_principal_non_negative CHECK (paid_principal >= 0), 
	CONSTRAINT ck_installment_paid_interest_non_negative CHECK (paid_interest >= 0), 
	CONSTRAINT ck_installment_paid_fee_non_negative CHECK (paid_fee >= 0), 
	CONSTRAINT ck_installment_paid_penalty_non_negative CHECK (paid_penalty >= 0), 
	CONSTRAINT ck_installment_paid_principal_le CHECK (paid_principal <= principal), 
	CONSTRAINT fk_installment_loan_id_loan FOREIGN KEY(loan_id) REFERENCES loan (id)
);

CREATE INDEX ix_installment_due_date ON installment (due_date) INCLUDE (loan_id, state, principal, interest, fee, paid_principal, paid_interest, paid_fee, paid_on);

CREATE INDEX ix_installment_max_dpd ON installment (max_dpd) INCLUDE (loan_id, due_date, state) WHERE max_dpd > 0;

CREATE INDEX ix_installment_state_due ON installment (state, due_date) INCLUDE (loan_id);

CREATE TABLE repayment (
	id SERIAL NOT NULL, 
	loan_id INTEGER NOT NULL, 
	paid_on DATE NOT NULL, 
	amount NUMERIC(18, 2) NOT NULL, 
	channel VARCHAR(32), 
	reference VARCHAR(64), 
	idempotency_key VARCHAR(64), 
	reversal_of_id INTEGER, 
	reason TEXT, 
	prepayment VARCHAR(32) CONSTRAINT ck_repayment_prepayment CHECK (prepayment IN ('shorten_term', 'lower_installment')), 
	recorded_by_id INTEGER, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	CONSTRAINT pk_repayment PRIMARY KEY (id), 
	CONSTRAINT ck_repayment_amount_nonzero CHECK (amount <> 0), 
	CONSTRAINT uq_repayment_loan_id_reference UNIQUE (loan_id, reference), 
	CONSTRAINT fk_repayment_loan_id_loan FOREIGN KEY(loan_id) REFERENCES loan (id), 
	CONSTRAINT uq_repayment_idempotency_key UNIQUE (idempotency_key), 
	CONSTRAINT uq_repayment_reversal_of_id UNIQUE (reversal_of_id), 
	CONSTRAINT fk_repayment_reversal_of_id_repayment FOREIGN KEY(reversal_of_id) REFERENCES repayment (id), 
	CONSTRAINT fk_repayment_recorded_by_id_staff FOREIGN KEY(recorded_by_id) REFERENCES staff (id)
);

CREATE INDEX ix_repayment_loan_paid_on ON repayment (loan_id, paid_on);

CREATE INDEX ix_repayment_paid_on ON repayment (paid_on);

CREATE TABLE service_fee (
	id SERIAL NOT NULL, 
	application_id INTEGER NOT NULL, 
	loan_id INTEGER, 
	basis VARCHAR(32) NOT NULL CONSTRAINT ck_service_fee_basis CHECK (basis IN ('percent_approved', 'percent_disbursed', 'fixed')), 
	rate NUMERIC(12, 6), 
	amount NUMERIC(18, 2) NOT NULL, 
	due_on_event VARCHAR(32) DEFAULT 'disbursement' NOT NULL CONSTRAINT ck_service_fee_due_on_event CHECK (due_on_event IN ('approval', 'disbursement')), 
	due_date DATE, 
	state VARCHAR(32) DEFAULT 'charged' NOT NULL CONSTRAINT ck_service_fee_state CHECK (state IN ('charged', 'received', 'refunded')), 
	received_on DATE, 
	refunded_on DATE, 
	refund_rule TEXT, 
	refund_amount NUMERIC(18, 2), 
	refund_reason VARCHAR(255), 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	CONSTRAINT pk_service_fee PRIMARY KEY (id), 
	CONSTRAINT ck_service_fee_amount_non_negative CHECK (amount >= 0), 
	CONSTRAINT ck_service_fee_rate CHECK (rate IS NULL OR rate >= 0), 
	CONSTRAINT fk_service_fee_application_id_application FOREIGN KEY(application_id) REFERENCES application (id), 
	CONSTRAINT fk_service_fee_loan_id_loan FOREIGN KEY(loan_id) REFERENCES loan (id)
);

CREATE INDEX ix_service_fee_application_id ON service_fee (application_id);

CREATE INDEX ix_service_fee_created_at ON service_fee (created_at);

CREATE INDEX ix_service_fee_loan_id ON service_fee (loan_id);

CREATE INDEX ix_service_fee_state_due ON service_fee (state, due_date);

CREATE TABLE commission (
	id SERIAL NOT NULL, 
	loan_id INTEGER NOT NULL, 
	service_fee_id INTEGER, 
	channel_id INTEGER, 
	staff_id INTEGER, 
	basis VARCHAR(32) NOT NULL CONSTRAINT ck_commission_basis CHECK (basis IN ('fee', 'disbursed')), 
	rate NUMERIC(12, 6) NOT NULL, 
	base_amount NUMERIC(18, 2) DEFAULT '0' NOT NULL, 
	amount NUMERIC(18, 2) NOT NULL, 
	state VARCHAR(32) DEFAULT 'pending' NOT NULL CONSTRAINT ck_commission_state CHECK (state IN ('pending', 'payable', 'paid', 'clawed_back')), 
	settle_days INTEGER DEFAULT '0' NOT NULL, 
	payable_on DATE, 
	paid_on DATE, 
	batch_id INTEGER, 
	clawed_back_on DATE, 
	clawback_reason VARCHAR(255), 
	updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	CONSTRAINT pk_commission PRIMARY KEY (id), 
	CONSTRAINT ck_commission_amount_non_negative CHECK (amount >= 0), 
	CONSTRAINT ck_commission_base_amount_non_negative CHECK (base_amount >= 0), 
	CONSTRAINT ck_commission_payee CHECK (channel_id IS NOT NULL OR staff_id IS NOT NULL), 
	CONSTRAINT fk_commission_loan_id_loan FOREIGN KEY(loan_id) REFERENCES loan (id), 
	CONSTRAINT fk_commission_service_fee_id_service_fee FOREIGN KEY(service_fee_id) REFERENCES service_fee (id), 
	CONSTRAINT fk_commission_channel_id_channel FOREIGN KEY(channel_id) REFERENCES channel (id), 
	CONSTRAINT fk_commission_staff_id_staff FOREIGN KEY(staff_id) REFERENCES staff (id), 
	CONSTRAINT fk_commission_batch_id_commission_batch FOREIGN KEY(batch_id) REFERENCES commission_batch (id)
);

CREATE INDEX ix_commission_batch_id ON commission (batch_id);

CREATE INDEX ix_commission_channel_id ON commission (channel_id);

CREATE INDEX ix_commission_created_at ON commission (created_at);

CREATE INDEX ix_commission_loan_id ON commission (loan_id);

CREATE INDEX ix_commission_staff_id ON commission (staff_id);

CREATE INDEX ix_commission_state_payable ON commission (state, payable_on);

CREATE TABLE follow_up (
	id SERIAL NOT NULL, 
	customer_id INTEGER NOT NULL, 
	staff_id INTEGER, 
	happened_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	method VARCHAR(32) DEFAULT 'phone' NOT NULL CONSTRAINT ck_follow_up_method CHECK (method IN ('phone', 'wechat', 'visit', 'sms', 'email')), 
	note TEXT NOT NULL, 
	next_date DATE, 
	installment_id INTEGER, 
	outcome VARCHAR(32) CONSTRAINT ck_follow_up_outcome CHECK (outcome IN ('promised', 'paid', 'no_answer', 'refused', 'wrong_number', 'other')), 
	row_version INTEGER DEFAULT '1' NOT NULL, 
	CONSTRAINT pk_follow_up PRIMARY KEY (id), 
	CONSTRAINT fk_follow_up_customer_id_customer FOREIGN KEY(customer_id) REFERENCES customer (id), 
	CONSTRAINT fk_follow_up_staff_id_staff FOREIGN KEY(staff_id) REFERENCES staff (id), 
	CONSTRAINT fk_follow_up_installment_id_installment FOREIGN KEY(installment_id) REFERENCES installment (id)
);

CREATE INDEX ix_follow_up_customer_when ON follow_up (customer_id, happened_at);

CREATE INDEX ix_follow_up_installment_id ON follow_up (installment_id);

CREATE INDEX ix_follow_up_next_date ON follow_up (next_date);

CREATE INDEX ix_follow_up_staff_id ON follow_up (staff_id);

CREATE TABLE reminder (
	id SERIAL NOT NULL, 
	installment_id INTEGER NOT NULL, 
	loan_id INTEGER NOT NULL, 
	customer_id INTEGER NOT NULL, 
	channel VARCHAR(32) DEFAULT 'sms' NOT NULL CONSTRAINT ck_reminder_channel CHECK (channel IN ('sms', 'email')), 
	kind VARCHAR(32) NOT NULL CONSTRAINT ck_reminder_kind CHECK (kind IN ('before_due', 'overdue')), 
	milestone INTEGER NOT NULL, 
	scheduled_on DATE NOT NULL, 
	message TEXT NOT NULL, 
	state VARCHAR(32) DEFAULT 'queued' NOT NULL CONSTRAINT ck_reminder_state CHECK (state IN ('queued', 'sent', 'failed', 'cancelled')), 
	attempts INTEGER NOT NULL, 
	next_attempt_at TIMESTAMP WITHOUT TIME ZONE, 
	last_error TEXT, 
	sent_at TIMESTAMP WITHOUT TIME ZONE, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	CONSTRAINT pk_reminder PRIMARY KEY (id), 
	CONSTRAINT uq_reminder_installment_id_kind_milestone UNIQUE (installment_id, kind, milestone), 
	CONSTRAINT fk_reminder_installment_id_installment FOREIGN KEY(installment_id) REFERENCES installment (id), 
	CONSTRAINT fk_reminder_loan_id_loan FOREIGN KEY(loan_id) REFERENCES loan (id), 
	CONSTRAINT fk_reminder_customer_id_customer FOREIGN KEY(customer_id) REFERENCES customer (id)
);

CREATE INDEX ix_reminder_customer_id ON reminder (customer_id);

CREATE INDEX ix_reminder_loan_id ON reminder (loan_id);

CREATE INDEX ix_reminder_state_scheduled ON reminder (state, scheduled_on);

CREATE TABLE repayment_allocation (
	id SERIAL NOT NULL, 
	repayment_id INTEGER NOT NULL, 
	installment_id INTEGER, 
	part VARCHAR(32) NOT NULL CONSTRAINT ck_repayment_allocation_part CHECK (part IN ('penalty', 'fee', 'interest', 'principal', 'credit')), 
	amount NUMERIC(18, 2) NOT NULL, 
	applied_on DATE, 
	CONSTRAINT pk_repayment_allocation PRIMARY KEY (id), 
	CONSTRAINT fk_repayment_allocation_repayment_id_repayment FOREIGN KEY(repayment_id) REFERENCES repayment (id), 
	CONSTRAINT fk_repayment_allocation_installment_id_installment FOREIGN KEY(installment_id) REFERENCES installment (id)
);

CREATE INDEX ix_repayment_allocation_installment_id ON repayment_allocation (installment_id);

CREATE INDEX ix_repayment_allocation_repayment_id ON repayment_allocation (repayment_id);

CREATE TABLE reminder_attempt (
	id SERIAL NOT NULL, 
	reminder_id INTEGER NOT NULL, 
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	sender VARCHAR(32) NOT NULL, 
	ok BOOLEAN NOT NULL, 
	error TEXT, 
	CONSTRAINT pk_reminder_attempt PRIMARY KEY (id), 
	CONSTRAINT fk_reminder_attempt_reminder_id_reminder FOREIGN KEY(reminder_id) REFERENCES reminder (id)
);

CREATE INDEX ix_reminder_attempt_reminder_id ON reminder_attempt (reminder_id);

ALTER TABLE team ADD CONSTRAINT fk_team_leader_id_staff FOREIGN KEY(leader_id) REFERENCES staff (id);
