"""WTForms forms. Filters clean what was typed; views never read request.form directly."""
