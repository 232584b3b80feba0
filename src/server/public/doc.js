// Document view: bring the first match into view when the page was opened without #m1.
const first = document.querySelector('.document mark');
if (first && !location.hash) first.scrollIntoView({ block: 'center' });
